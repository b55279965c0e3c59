"""The checker is used from several threads at once (forms autosaving and checking)."""

import threading

from graders import check

TEXT = "大変申し訳ございません。すぐに復旧いたしました。原因は設定の誤りでした。"


def test_checks_from_several_threads_all_succeed():
    expected = check(TEXT, "outage-apology").to_dict()
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(check(TEXT, "outage-apology").to_dict())
        except Exception as e:  # the test reports any failure below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 80 and all(r == expected for r in results)
