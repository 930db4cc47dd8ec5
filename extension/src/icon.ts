import { LabIcon } from '@jupyterlab/ui-components';

import svg from '../style/icon.svg';

/** The icon's SVG source. */
export const iconSvg: string = svg;

/** The workbench's icon: a generator pair above its resultant of interference. */
export const schillingerIcon = new LabIcon({
  name: 'schillinger-workbench:icon',
  svgstr: svg
});
