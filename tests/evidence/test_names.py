"""Entity names: the label attribute is chosen from the data; names before ids."""

from __future__ import annotations

from gaai_graph.evidence.names import Namer, choose_label_attribute, display_name, join_names


def test_display_name_puts_the_id_in_brackets() -> None:
    assert display_name("people/1", "Mr. Hi") == "Mr. Hi [people/1]"
    assert display_name("people/1", None) == "people/1"
    assert display_name("people/1", "1") == "people/1"  # a key is no name
    assert display_name("people/1", "hi@example.org") == "people/1"  # no contact data
    assert display_name("people/1", "  ") == "people/1"


def test_label_attribute_is_chosen_generally() -> None:
    columns = {
        "team": ["red", "red", "blue", "blue"],  # categorical, not distinctive
        "title": ["Dr. A", "Ms. B", "Mr. C", "Mx. D"],
        "_key": ["1", "2", "3", "4"],
    }
    assert choose_label_attribute(columns) == "title"
    columns["name"] = ["Ann", "Bob", None, "Dee"]
    assert choose_label_attribute(columns) == "name"
    assert choose_label_attribute({"ship_name": ["a", "b", "c"], "colour": ["x", "x", "x"]}) == (
        "ship_name"
    )
    assert choose_label_attribute({"weight": [1, 2, 3], "colour": ["x", "x", "x"]}) is None


def test_namer_prefers_names_over_ids_per_collection() -> None:
    ids = ["people/1", "people/2", "events/e1", "events/e2"]
    columns = {
        "name": ["Mr. Hi", "John A.", None, None],
        "title": [None, None, "Annual ball", "Picnic"],
    }
    namer = Namer.from_columns(ids, columns)
    assert namer.label_attributes == {"people": "name", "events": "title"}
    assert namer(0) == "Mr. Hi [people/1]"
    assert namer("events/e2") == "Picnic [events/e2]"
    assert namer("unknown/9") == "unknown/9"
    assert (
        namer.names([0, 1, 2])
        == "Mr. Hi [people/1], John A. [people/2] and Annual ball [events/e1]"
    )


def test_namer_without_labels_falls_back_to_ids() -> None:
    namer = Namer.from_columns(["a/1", "a/2"], {"amount": [3, 4]})
    assert namer(1) == "a/2"


def test_join_names_limits_the_list() -> None:
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names([str(i) for i in range(8)], limit=3) == "0, 1, 2 and 5 more"


def test_named_text_names_known_ids_once_and_never_contact_data() -> None:
    namer = Namer.from_labels(
        {"members/m1": "Member 1", "members/m10": "Member 10", "people/x": "x@example.org"}
    )
    text, named = namer.named_text(
        "members/m1 leads members/m10; Member 1 [members/m1] again; people/x; members/m100."
    )
    assert text == (
        "Member 1 [members/m1] leads Member 10 [members/m10]; Member 1 [members/m1] again; "
        "people/x; members/m100."
    )
    assert named == ["members/m1", "members/m10"]
    assert namer.named_text("Member 1 (members/m1)")[0] == "Member 1 (members/m1)"
    assert Namer.from_labels({}).named_text("members/m1") == ("members/m1", [])
