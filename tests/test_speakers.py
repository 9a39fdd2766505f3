from stance.stages.speakers import merge_keys, speaker_key


def test_speaker_key_strips_roles_titles_and_appositions():
    assert speaker_key("Dmitry Peskov, press secretary to Russia’s President Vladimir Putin") == "Dmitry Peskov"
    assert speaker_key("Taliban spokesman Zabihullah Mujahid") == "Zabihullah Mujahid"
    assert speaker_key("Gen. John W. Nicholson Jr.") == "John W. Nicholson Jr"
    assert speaker_key("congressman Michael McCaul") == "Michael McCaul"
    assert speaker_key("U.S. intelligence officials") == "U.S. intelligence officials"
    assert speaker_key("NBC News") == "NBC News"


def test_peskov_variants_are_one_speaker():
    raw = ["Peskov", "Dmitry Peskov", "Dmitry Peskov, press secretary to Russia's President"]
    keys = [speaker_key(r) for r in raw]
    canon = merge_keys(keys)
    assert {canon[k] for k in keys} == {"Dmitry Peskov"}


def test_descriptions_and_ambiguous_surnames_are_not_merged():
    canon = merge_keys(["U.S. intelligence officials", "US and Afghan officials", "officials"])
    assert canon["U.S. intelligence officials"] == "U.S. intelligence officials"
    assert canon["officials"] == "officials"
    # two different people share the surname: a bare surname stays as written
    canon = merge_keys(["Trump", "Donald Trump", "Melania Trump"])
    assert canon["Trump"] == "Trump" and canon["Donald Trump"] == "Donald Trump"


def test_plural_speakers_take_a_plural_verb_in_group_headlines():
    from stance.stages.report import ConflictGroup
    from stance.stages.speakers import is_plural

    assert is_plural("US and Afghan officials") and is_plural("Authorities")
    assert is_plural("U.S. intelligence officials, according to the Times")
    assert not any(map(is_plural, ["Trump", "NBC News", "New York Times", "TRT World opinion (author)"]))
    assert ConflictGroup("denies", "Trump", "officials", ()).headline == "Trump denies what officials assert"
    assert ConflictGroup("disputes", "Analysts", "NBC News", ()).headline == "Analysts doubt what NBC News asserts"
