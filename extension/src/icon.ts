import { LabIcon } from '@jupyterlab/ui-components';

import iconSvg from '../style/icon.svg';

/** The workbench's icon: a generator pair above its resultant of interference. */
export const schillingerIcon = new LabIcon({
  name: 'schillinger-workbench:icon',
  svgstr: iconSvg
});
