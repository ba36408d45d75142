"""docs/CONTRACT.md §14.2 totals (`list --count-by`, `--sum`) and §14.3 fields, against the real
binaries and the sandbox. Sums are checked against Python's decimal module over the
sandbox's own items, read with their literals kept."""
import csv
import io
import json
import signal
import subprocess
import time
import urllib.request
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from conftest import PLAIN_TOKEN, SOPORTE, env_for


def literal_items(s, path, **params):
    """Every item with its numbers as Decimal (the literal's digits, exactly)."""
    items, page = [], 1
    while True:
        q = "".join(f"&{k}={v}" for k, v in params.items())
        req = urllib.request.Request(f"{s.url}{path}?page={page}&per_page=100{q}",
                                     headers={"Authorization": f"Bearer {PLAIN_TOKEN}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            doc = json.loads(r.read(), parse_float=Decimal)
        items += doc["data"]
        if page >= int(doc["meta"]["last_page"]):
            return items
        page += 1


def exact(values):
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def rows(fmt, text):
    if fmt == "json":
        return json.loads(text, parse_float=Decimal)
    if fmt == "ndjson":
        return [json.loads(l, parse_float=Decimal) for l in text.splitlines()]
    return list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))


# --- §14.2 Totals -----------------------------------------------------------------

def test_sum_is_exact_decimal_arithmetic_on_the_literals(run, sb):
    items = literal_items(sb, "/billing/invoices")
    want = exact(i["amount"] for i in items)
    r = run(["invoices", "list", "--sum", "amount", "-o", "json"], sb)
    assert r.rc == 0 and r.err == "", r
    # The literal itself, cents kept (a float sum would print ...00000001 or lose them).
    assert r.out == '[{"count":%d,"sum_amount":%s}]\n' % (len(items), want)
    assert len(str(want).split(".")[1]) == 2


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv", "table"])
def test_count_by_gives_one_row_per_group_sorted_with_count_and_sums_in_every_format(run, sb, fmt):
    items = literal_items(sb, "/billing/invoices")
    count, amount, tax = Counter(), defaultdict(list), defaultdict(list)
    for i in items:
        count[i["status"]] += 1
        amount[i["status"]].append(i["amount"])
        tax[i["status"]].append(i["tax"])
    r = run(["invoices", "list", "--count-by", "status", "--sum", "amount", "--sum", "tax", "-o", fmt], sb)
    assert r.rc == 0 and r.err == "", r
    if fmt == "table":
        lines = r.out.splitlines()
        assert lines[0].split() == ["STATUS", "COUNT", "SUM_AMOUNT", "SUM_TAX"]
        got = [l.split() for l in lines[1:]]
        assert got == [[s, str(count[s]), str(exact(amount[s])), str(exact(tax[s]))] for s in sorted(count)]
        return
    got = rows(fmt, r.out)
    assert [list(g.keys()) for g in got] == [["status", "count", "sum_amount", "sum_tax"]] * len(count)
    assert [g["status"] for g in got] == sorted(count), "sorted by the group's value"
    for g in got:
        s = g["status"]
        assert int(g["count"]) == count[s]
        assert Decimal(str(g["sum_amount"])) == exact(amount[s]) and str(g["sum_amount"]) == str(exact(amount[s]))
        assert str(g["sum_tax"]) == str(exact(tax[s]))


def test_groups_of_several_and_nested_fields_follow_the_filter(run, sb):
    items = literal_items(sb, "/whm/accounts", **{"filter[status]": "active"})
    want = Counter((a["package"], a["limits"]["databases"]) for a in items)
    r = run(["accounts", "list", "--filter", "status=active", "--count-by", "package,limits.databases", "-o", "ndjson"], sb)
    assert r.rc == 0 and r.err == "", r
    got = rows("ndjson", r.out)
    assert [(g["package"], g["limits.databases"]) for g in got] == sorted(want), "sorted by package, then the number"
    assert {(g["package"], g["limits.databases"]): g["count"] for g in got} == want
    assert isinstance(got[0]["limits.databases"], int), "a number stays a number in JSON"
    # Numbers sort as numbers, not as text (2 before 10).
    r = run(["invoices", "list", "--count-by", "account_id", "-o", "ndjson"], sb)
    ids = [g["account_id"] for g in rows("ndjson", r.out)]
    assert ids == sorted(ids) and len(ids) == len(set(ids))


def test_values_that_are_not_numbers_are_counted_in_skipped(run, sb):
    items = literal_items(sb, "/billing/invoices")
    by = defaultdict(list)
    for i in items:
        by[i["currency"]].append(i)
    r = run(["invoices", "list", "--count-by", "currency", "--sum", "amount", "--sum", "paid_at", "-o", "csv"], sb)
    assert r.rc == 0, r
    got = rows("csv", r.out)
    assert list(got[0].keys()) == ["currency", "count", "sum_amount", "sum_paid_at", "skipped"]
    for g in got:
        group = by[g["currency"]]
        assert g["sum_amount"] == str(exact(i["amount"] for i in group))
        assert g["sum_paid_at"] == "", "nothing summed: an empty cell (null in JSON)"
        assert int(g["skipped"]) == len(group), "every paid_at (a date or null) is skipped"
    assert f"--sum paid_at: {len(items)} values were not a number" in r.err and "counted in 'skipped'" in r.err
    # Only sums: one row; no skipped column when every value was a number.
    r = run(["invoices", "list", "--sum", "amount", "-o", "csv"], sb)
    assert r.out.splitlines() == ["count,sum_amount", f"{len(items)},{exact(i['amount'] for i in items)}"]


def test_laravel_money_as_strings_is_summed_exactly(run, fresh):
    s = fresh("--invoices", "40", "--accounts", "5", "--dialect", "laravel", "--rate-limit", "off")
    items = literal_items(s, "/billing/invoices")
    assert all(isinstance(i["amount"], str) for i in items), "the dialect sends money as strings"
    r = run(["invoices", "list", "--sum", "amount", "-o", "ndjson"], s)
    assert r.rc == 0 and r.err == "", r
    assert r.out == '{"count":40,"sum_amount":%s}\n' % exact(i["amount"] for i in items)


def test_a_failed_walk_prints_no_totals_and_no_resume_command(run, sb):
    sb.fault(match={"method": "GET", "path": "/v1/billing/invoices", "query": "page=2&per_page"}, count=1, status=500)
    r = run(["invoices", "list", "--count-by", "status", "--sum", "amount"], sb)
    assert r.rc == 8 and r.out == "", r
    assert "no totals were printed" in r.err and "run the command again" in r.err and "--from-page" not in r.err
    sb.fault(match={"method": "GET", "path": "/v1/billing/invoices", "query": "page=3&per_page"}, count=1, status=500)
    r = run(["invoices", "list", "--sum", "amount", "-o", "json"], sb)
    assert r.rc == 8 and r.out == "", r
    assert json.loads(r.err.splitlines()[-1])["error"]["exit_status"] == 8


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_signal_during_a_totals_walk_says_nothing_was_printed(fresh, fmt):
    s = fresh("--invoices", "300", "--accounts", "5", "--latency", "150", "--rate-limit", "off")
    p = subprocess.Popen([SOPORTE, "invoices", "list", "--per-page", "10", "--sum", "amount", "-o", fmt], env=env_for(s),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline and len(s.requests()) < 8:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=5)
    assert p.returncode == 130 and out == b""
    last = err.decode().strip().splitlines()[-1]
    if fmt == "json":
        last = json.loads(last)["warning"]["message"]
    assert "no totals were printed" in last and "run the command again" in last and "--from-page" not in err.decode()


def test_more_than_100000_groups_is_exit_2_and_stops_the_walk(run, fresh):
    s = fresh("--invoices", "100001", "--accounts", "5", "--rate-limit", "off")
    r = run(["invoices", "list", "--count-by", "id", "-o", "csv"], s, timeout=300)
    assert r.rc == 2 and r.out == "", r
    assert "--count-by id makes more than 100000 groups (the limit)" in r.err and "no totals were printed" in r.err
    assert "run the command again" not in r.err
    # The walk stopped at the page that held group 100,001 (the last one), not later.
    r = run(["invoices", "list", "--count-by", "id", "--limit", "100000", "-o", "ndjson"], s, timeout=300)
    assert r.rc == 0 and len(r.out.splitlines()) == 100000


def test_totals_refuse_fields_and_check_their_names(run, sb):
    r = run(["invoices", "list", "--count-by", "status", "--fields", "id"], sb)
    assert r.rc == 2 and "--fields cannot be used with --count-by or --sum" in r.err
    assert sb.requests() == []
    r = run(["invoices", "list", "--sum", "amout"], sb)
    assert r.rc == 2 and r.out == "" and "--sum 'amout' is not in the answer nor a field of invoices; did you mean 'amount'?" in r.err
    r = run(["invoices", "list", "--count-by", "stauts", "-o", "json"], sb)
    assert r.rc == 2 and r.out == "" and "did you mean 'status'?" in r.err
