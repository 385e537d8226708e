"""The words of `paritrana-rules test`, in English and Bahasa Indonesia, from one phrase table.

What a test run finds is kept as `Said`, its text in both languages, so that a
report is rendered in either (`--lang`) without running the cases again, and
every phrase has its two texts side by side here.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from paritrana_rules.errors import did_you_mean

LANGS = ("en", "id")


@attrs.frozen
class Said:
    """One finding or label in English and in Bahasa Indonesia."""

    en: str
    id: str

    def __call__(self, lang: str) -> str:
        return self.id if lang == "id" else self.en


def said(phrase: str, /, **params: object) -> Said:
    """A phrase of the table in both languages; a parameter that is itself `Said` is taken in each language."""
    texts = [PHRASES[lang][phrase].format(**{name: value(lang) if isinstance(value, Said) else value
                                          for name, value in params.items()}) for lang in LANGS]
    return Said(*texts)


def same(text: str) -> Said:
    """Text that reads the same in both languages: names, data as written, rubric syntax."""
    return Said(text, text)


def joined(parts: Iterable[Said], separator: str = "; ") -> Said:
    items = list(parts)
    return Said(separator.join(p.en for p in items), separator.join(p.id for p in items))


def hint(word: str, options: Iterable[str]) -> Said:
    """"; did you mean 'x'?" in both languages, or nothing when no option is close."""
    choices = list(options)
    found = [did_you_mean(word, choices, lang) for lang in LANGS]
    return Said(*(f"; {text}" if text else "" for text in found))


def counted(count: int, key: str) -> Said:
    """"3 cases" / "3 kasus": the table's `key` in the singular and, past one, its `key_plural`."""
    return said(key if count == 1 else f"{key}_plural", count=count)


PHRASES: dict[str, dict[str, str]] = {
    "en": {
        # expectations as written
        "expect_mapping": "'expect' must be a mapping such as {{total: 80.50}}",
        "unknown_expectation": "unknown expectation '{key}'{hint}",
        "use_expectations": "; use {names}",
        "not_a_number": "{what}: the expected value '{wanted}' is not a number",
        "criteria_mapping": "'criteria' must map criterion names to points",
        "reasons_list": "'reasons' must be a list of words to find in the reasons, such as [tunggakan]",
        "rejected_list": "'rejected' must be a list of the fields with problems, such as [aparat_desa]",
        "rank_form": "'rank' must be a rank as score shows it, such as 1, 2= or '1 in Jawa Timur', or none",
        "nominated_form": "'nominated' must be yes or no",
        "placing_form": "'placing' must name the placings won (one, or a list), 'cut after STAGE', or none",
        "reached_form": "'reached' must name a stage",
        # expectations not met
        "mismatch": "{what}: expected {expected}, got {got}",
        "rejected_data": "the data was rejected: {found}",
        "rejected_field": "expected a problem in field '{field}', got: {found}",
        "validated": "expected the data to be rejected, but it validated",
        "no_criterion": "criteria: no criterion '{name}'{hint}",
        "reason_missing": "reasons: expected one mentioning '{wanted}', got {got}",
        "no_ranking": "{what}: the rubric ranks no one, so none can be expected",
        "no_award": "placing: the rubric awards no '{name}'{hint}",
        "no_cut": "placing: the rubric cuts after no stage '{name}'{hint}",
        "awards": "; its placings are {names}", "cuts_after": "; it cuts only after {names}",
        "no_stages": "reached: the rubric declares no stages",
        "no_stage": "reached: the rubric has no stage '{name}'{hint}",
        "not_scored": "{what}: the data was rejected, so it is not in the field",
        # what is expected, and what came
        "total": "total", "status": "status", "criterion": "criterion {name}", "rank": "rank",
        "nominated": "nominated", "placing": "placing", "reached": "reached",
        "yes": "yes", "no": "no", "none": "none", "not_ranked": "not ranked",
        "rank_in": "{rank} in {group}", "cut_after": "cut after {stage}", "stage": "stage {name}",
        "because": "{text} ({why})",
        # coverage
        "band_row": "band row '{row}' of {name}", "table_row": "table row '{row}' of {name}",
        "criterion_scoring": "criterion {name} scoring above {low}", "gate_failing": "gate {name} failing",
        "bonus_applying": "bonus {name} applying", "penalty_applying": "penalty {name} applying",
        # properties
        "checked_on": "checked on {count} generated candidates",
        "not_checked": "not checked: install paritrana-rules[properties] for Hypothesis",
        "outside_scale": "{subject} is {value}, outside the scale",
        "falls": "{subject} falls from {before} to {after} when {input} rises from {low} to {high}",
        "unscorable": "valid inputs lead to numbers too large to score exactly",
        # the report
        "problem": "problem: {text}",
        "no_cases_file": "no example cases: expected them in {path}",
        "unreadable": "the example file cannot be read: {error}",
        "case": "{count} case", "case_plural": "{count} cases",
        "cases_summary": "{cases}, {checked} with expectations: {passed} passed, {failed} failed",
        "case_failed": "FAILED {id} ({where})",
        "coverage": "coverage: {hit} of {rules} rules hit",
        "not_hit": "not hit: {what} ({where})",
        "no_property": "note: the rubric declares no property (see docs/language.md, 12b)",
        "property": "property {name}: {state} ({message})",
        "holds": "holds", "fails": "FAILS", "unchecked": "not checked",
        "paste": "paste as example cases to keep this counterexample:",
        "ok": "ok", "failed": "FAILED",
        "rubric": "{count} rubric", "rubric_plural": "{count} rubrics",
        "tested": "{rubrics} tested, {ok} ok",
        "no_expectations": "no expectations", "coverage_name": "coverage",
        "example_cases": "example cases", "loading": "loading the rubric",
    },
    "id": {
        "expect_mapping": "'expect' harus berupa pemetaan, misalnya {{total: 80.50}}",
        "unknown_expectation": "harapan '{key}' tidak dikenal{hint}",
        "use_expectations": "; gunakan {names}",
        "not_a_number": "{what}: nilai yang diharapkan '{wanted}' bukan angka",
        "criteria_mapping": "'criteria' harus memetakan nama kriteria ke poinnya",
        "reasons_list": "'reasons' harus berupa daftar kata yang dicari dalam alasan, misalnya [tunggakan]",
        "rejected_list": "'rejected' harus berupa daftar kolom yang bermasalah, misalnya [aparat_desa]",
        "rank_form": "'rank' harus berupa peringkat seperti yang ditampilkan perintah score, misalnya 1, 2= atau "
                     "'1 in Jawa Timur', atau none",
        "nominated_form": "'nominated' harus bernilai yes atau no",
        "placing_form": "'placing' harus menyebut penghargaan yang diraih (satu, atau daftar), 'cut after TAHAP', "
                        "atau none",
        "reached_form": "'reached' harus berisi nama sebuah tahap",
        "mismatch": "{what}: diharapkan {expected}, hasilnya {got}",
        "rejected_data": "data ditolak: {found}",
        "rejected_field": "diharapkan ada masalah pada kolom '{field}', yang ditemukan: {found}",
        "validated": "data diharapkan ditolak, tetapi ternyata lolos validasi",
        "no_criterion": "criteria: tidak ada kriteria '{name}'{hint}",
        "reason_missing": "reasons: diharapkan ada alasan yang menyebut '{wanted}', yang ada: {got}",
        "no_ranking": "{what}: rubrik ini tidak memeringkat peserta, sehingga hal ini tidak dapat diharapkan",
        "no_award": "placing: rubrik ini tidak memberikan penghargaan '{name}'{hint}",
        "no_cut": "placing: rubrik ini tidak memangkas peserta setelah tahap '{name}'{hint}",
        "awards": "; penghargaannya: {names}", "cuts_after": "; rubrik ini hanya memangkas setelah tahap {names}",
        "no_stages": "reached: rubrik ini tidak menetapkan tahapan",
        "no_stage": "reached: rubrik ini tidak memiliki tahap '{name}'{hint}",
        "not_scored": "{what}: datanya ditolak, sehingga tidak ikut dalam persaingan",
        "total": "total", "status": "status", "criterion": "kriteria {name}", "rank": "peringkat",
        "nominated": "dinominasikan", "placing": "penghargaan", "reached": "tahap yang dicapai",
        "yes": "ya", "no": "tidak", "none": "tidak ada", "not_ranked": "tidak diperingkat",
        "rank_in": "{rank} di {group}", "cut_after": "tidak lolos setelah tahap {stage}", "stage": "tahap {name}",
        "because": "{text} ({why})",
        "band_row": "baris rentang '{row}' pada {name}", "table_row": "baris tabel '{row}' pada {name}",
        "criterion_scoring": "kriteria {name} dengan poin di atas {low}",
        "gate_failing": "syarat {name} tidak terpenuhi",
        "bonus_applying": "bonus {name} berlaku", "penalty_applying": "penalti {name} berlaku",
        "checked_on": "diperiksa pada {count} peserta buatan",
        "not_checked": "tidak diperiksa: pasang paritrana-rules[properties] agar Hypothesis tersedia",
        "outside_scale": "{subject} bernilai {value}, di luar skala",
        "falls": "{subject} turun dari {before} menjadi {after} ketika {input} naik dari {low} menjadi {high}",
        "unscorable": "masukan yang sah menghasilkan angka yang terlalu besar untuk dinilai secara tepat",
        "problem": "masalah: {text}",
        "no_cases_file": "tidak ada kasus contoh: seharusnya ada di {path}",
        "unreadable": "berkas contoh tidak dapat dibaca: {error}",
        "case": "{count} kasus", "case_plural": "{count} kasus",
        "cases_summary": "{cases}, {checked} dengan harapan: {passed} lulus, {failed} gagal",
        "case_failed": "GAGAL {id} ({where})",
        "coverage": "cakupan uji: {hit} dari {rules} aturan tercapai",
        "not_hit": "tidak tercapai: {what} ({where})",
        "no_property": "catatan: rubrik ini tidak menyatakan properti apa pun (lihat docs/language.md, 12b)",
        "property": "properti {name}: {state} ({message})",
        "holds": "berlaku", "fails": "GAGAL", "unchecked": "tidak diperiksa",
        "paste": "tempelkan sebagai kasus contoh agar contoh penyangkal ini tersimpan:",
        "ok": "lulus", "failed": "GAGAL",
        "rubric": "{count} rubrik", "rubric_plural": "{count} rubrik",
        "tested": "{rubrics} diuji, {ok} lulus",
        "no_expectations": "tanpa harapan", "coverage_name": "cakupan uji",
        "example_cases": "kasus contoh", "loading": "memuat rubrik",
    },
}
