def test_status(api, run):
    code, body = run(api("status"))
    assert code == 200, body
    print(body)
