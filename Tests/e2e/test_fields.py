"""docs/CONTRACT.md §14.3 fields, against the real binaries and the sandbox: names that are neither in
the answer nor known fields are usage errors, --sort names are checked before sending,
CSV/TSV headers do not depend on whether there are items, get --help lists the fields."""
import pytest


# --- §14.3 Fields -----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_an_unknown_fields_name_is_exit_2_before_any_item(run, sb, fmt):
    r = run(["accounts", "list", "--fields", "id,domian", "-o", fmt], sb)
    assert r.rc == 2 and r.out == "", r
    assert "--fields 'domian' is not in the answer nor a field of accounts; did you mean 'domain'?" in r.err
    # get: the same rule on its one item.
    r = run(["accounts", "get", "1", "--fields", "id,domian", "-o", fmt], sb)
    assert r.rc == 2 and r.out == "" and "did you mean 'domain'?" in r.err
    # A nested name whose first part is a known field is checked by that part.
    r = run(["accounts", "list", "--fields", "id,limits.databases", "--limit", "2", "-o", "csv"], sb)
    assert r.rc == 0 and r.out.splitlines()[0] == "id,limits.databases", r


def test_sort_names_are_checked_before_sending(run, sb):
    for sort in ["-craeted_at", "status,-domian"]:
        r = run(["accounts", "list", "--sort", sort], sb)
        assert r.rc == 2, r
        assert "is not a field of accounts; did you mean" in r.err
    r = run(["accounts", "list", "--sort", "-creatd_at", "--dry-run"], sb)
    assert r.rc == 2 and r.out == "" and "--sort 'creatd_at' is not a field of accounts; did you mean 'created_at'?" in r.err
    assert sb.requests() == []
    r = run(["accounts", "list", "--sort", "-created_at,status", "--limit", "2"], sb)
    assert r.rc == 0 and r.err == "", r


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("noun", ["accounts", "invoices", "subscriptions", "servers", "packages"])
def test_csv_and_tsv_headers_are_the_same_with_or_without_items(run, sb, noun, fmt):
    full = run([noun, "list", "--limit", "1", "-o", fmt], sb)
    empty = run([noun, "list", "--filter", "id=999999", "-o", fmt], sb)
    assert full.rc == 0 and empty.rc == 0, (full, empty)
    assert len(full.out.splitlines()) == 2 and len(empty.out.splitlines()) == 1
    assert empty.out.splitlines()[0] == full.out.splitlines()[0]


def test_get_help_lists_the_fields_as_list_help_does(run):
    for noun in ["accounts", "invoices"]:
        lst = run([noun, "list", "--help"], token=None)
        get = run([noun, "get", "--help"], token=None)
        fields = [l for l in lst.out.split("\n\n") if l.startswith("Fields:")][0].split(". Default columns")[0]
        assert fields.replace("\n", " ") in get.out.replace("\n", " "), get.out
