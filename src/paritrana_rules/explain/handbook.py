"""The candidate handbook: a compiled rubric -> the document candidates read to prepare.

Input: a `CompiledRubric`, a language (`id`, the default, or `en`) and a format
(`markdown` or `text`). Output: one string, the same bytes on every call and
every machine. Its sections, in order: the title (award, edition, assessment
period, category, description); how the score is made (scale, rounding, the
weighted sum, a table of the criteria tree with each weight and its share of
the total); how each criterion's points are given (bands as tables of ranges,
decision tables as rows with the hit policy in words, formulas); the
conditions (gates); bonuses and penalties; the data to prepare, with the type,
default, evidence and uses of each; and every source and assumption in the
rubric, whichever file of an `extends` chain it was written in.

Nothing is invented here: every number, label and rule comes from the rubric's
checked model. Every condition and formula is shown as written in the rubric
(the source excerpt) and, where its shape is simple enough, first in words,
with the labels of inputs, lets and options; shapes beyond that are shown as
written with a legend of the built-ins they use. Labels and texts are picked
in the requested language, falling back to the other one, then to the name;
numbers follow the language (1.234,5 in Bahasa Indonesia, 1,234.5 in English),
through the helpers of `explain`. The rubric's content hash is printed, so a
handbook can be matched to the audit records of the scores it explains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Union

import attrs

from paritrana_rules.language import ast
from paritrana_rules.explain.explanation import localise, pick_text, gate_reason
from paritrana_rules.language.expressions import names_read
from paritrana_rules.check.model import CriterionModel, InputModel, RubricModel, points_exprs, strings, texts
from paritrana_rules.numeric import exact, normalize, round_to
from paritrana_rules.check.stages import TOTAL, stage_index
from paritrana_rules.check.tables import describe_band_row

if TYPE_CHECKING:
    from paritrana_rules.evaluate.rubric import CompiledRubric

LANGUAGES = ("id", "en")
FORMATS = ("markdown", "text")


@exact
def handbook(rubric: CompiledRubric, lang: str = "id", format: str = "markdown") -> str:
    """The handbook of a rubric, in Bahasa Indonesia (`id`) or English (`en`), as Markdown or plain text.

    Raises ValueError for an unknown language or format.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use 'id' or 'en'")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: use 'markdown' or 'text'")
    identity = rubric.identity
    fingerprint = str(rubric.audit_identity["sha256"])
    blocks = _Writer(rubric.model, lang, identity, fingerprint).document()
    return _markdown(blocks) if format == "markdown" else _text(blocks)


# ------------------------------------------------------------------ wording

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "title": "{award} edition {edition} — assessment period {period}",
        "subtitle": "Candidate handbook",
        "category": "Category: {label} (code {code})",
        "category_sector": "Category: {label} (code {code}, sector {sector})",
        "round": "Round {code}",
        "round_nasional": "National round",
        "round_provinsi": "Provincial round",
        "generated": "This handbook is generated from the rubric {file}: the very rules the scores are computed with. "
                     "When the rubric changes, the handbook is generated again.",
        "fingerprint": "Rubric fingerprint (sha256): {hash}. Every audit record of a score carries the same "
                       "fingerprint, so a score can be matched to this handbook.",
        "extends": "This rubric builds on {parent}; everything it inherits is included here.",
        "contents": "Contents",
        "s_score": "How the score is made",
        "s_points": "How points are given",
        "s_gates": "Conditions",
        "s_adjust": "Bonuses and penalties",
        "s_stages": "Stages",
        "stages_intro": "The assessment runs in the stages below, in this order. Each piece of data is asked for at the "
                        "stage where it is needed, and every criterion, condition, bonus and penalty is scored as soon "
                        "as the data it reads is in. After each stage the provisional total is worked out as in "
                        "“{section}”, from what has been scored so far; the stage's rule says who goes on to the next "
                        "stage.",
        "stage_heading": "Stage {number}: {label}",
        "stage_data": "Data asked for at this stage:",
        "stage_no_data": "No new data is asked for at this stage.",
        "stage_scored": "Scored at this stage:",
        "stage_nothing_scored": "Nothing new is scored at this stage.",
        "stage_advance": "To go on to the next stage: {condition}",
        "stage_all_advance": "Every candidate goes on to the next stage.",
        "stage_last": "This is the last stage: the total after it is the final score.",
        "provisional_total": "the provisional total",
        "s_rank": "Ranking and nomination",
        "rank_order": "Candidates who are not disqualified are ranked by the total, highest first.",
        "rank_order_within": "Candidates who are not disqualified are ranked within each {group}, by the total, "
                             "highest first.",
        "rank_ties": "When totals are equal, the tie is broken by: {keys}. Candidates equal on all of these share "
                     "a rank; the committee then decides between them.",
        "rank_no_ties": "Candidates with equal totals share a rank; the committee then decides between them.",
        "rank_nominate": "The top {count} of each group go on to the next round; a tie at the last place sends "
                         "all who share it.",
        "rank_nominate_all": "The top {count} go on to the next round; a tie at the last place sends all who share "
                             "it.",
        "s_inputs": "Data to prepare",
        "s_sources": "Sources and assumptions",
        "score_intro": "Every criterion is given points on a scale of {low} to {high}. The total is a weighted sum: "
                       "the points of each top-level criterion are multiplied by its weight, and the results are "
                       "added up. A criterion with sub-criteria gets its points the same way, from its sub-criteria.",
        "steps": "The total is worked out in this order:",
        "step_leaf": "Each criterion without sub-criteria gets its points from your data (see “{section}”), "
                     "rounded as described below.",
        "step_parent": "A criterion with sub-criteria gets the weighted sum of their points, also rounded.",
        "step_weighted": "The weighted score is the sum of weight × points over the top-level criteria.",
        "step_adjust": "Bonuses are added and penalties taken off (see “{section}”).",
        "step_cap": "If a condition that caps the total is not met, the total is lowered to that cap; if several are "
                    "not met, the lowest cap applies (see “{section}”).",
        "step_scale": "The total is kept within the scale, {low} to {high}, and rounded.",
        "step_disqualify": "If a condition that disqualifies is not met, the candidate is disqualified: its score is "
                           "still worked out and shown, but it does not compete (see “{section}”).",
        "places": "to {places} decimal places",
        "places_0": "to whole numbers",
        "places_1": "to 1 decimal place",
        "round_half_up": "Rounding: {where}; a 5 rounds up ({a} becomes {b}; {c} becomes {d}).",
        "round_half_even": "Rounding: {where}; a 5 rounds to the even neighbour ({a} becomes {b}; {c} becomes {d}).",
        "round_down": "Rounding: {where}; extra digits are cut off ({a} becomes {b}; {c} becomes {d}).",
        "weights": "Weights",
        "weights_intro": "A criterion's weight is its share of its parent (for a top-level criterion, of the total). "
                         "Its share of the total is the product of the weights from the top down, so the shares of "
                         "the criteria that are scored directly add up to 100%.",
        "weights_example": "For example, {child} weighs {w} within {parent} ({pshare} of the total), so its share is "
                           "{pshare} × {w} = {share} of the total: full points ({high}) on it add {add} to the total.",
        "weights_example_flat": "For example, {child} weighs {w}: full points ({high}) on it add {add} to the total.",
        "col_number": "No.", "col_criterion": "Criterion", "col_weight": "Weight within parent",
        "col_share": "Share of total", "col_points": "Points",
        "points_intro": "Each criterion below scores {low} to {high} points. The data it mentions are described "
                        "under “{section}”, with the document that proves each.",
        "weight_root": "Weight {w} of the total.",
        "weight_child": "Weight {w} within {parent}; share {share} of the total.",
        "parent_sum": "Its points are the weighted sum of its sub-criteria:",
        "parent_term": "{w} × the points of {child}",
        "band_intro": "Points depend on the range that {subject} falls in:",
        "calc_as": "{subject} is worked out as: {words}.",
        "calc_as_code": "{subject} is worked out with the formula {formula}.",
        "where": "where:",
        "name_input": "{label} (data you submit)",
        "name_let": "{label}, worked out with the formula {formula}",
        "name_let_words": "{label}, worked out as: {words}",
        "points_name": "The points equal {label}.",
        "points_words": "Points: {words}.",
        "points_words_code": "The points are worked out with the formula {formula}.",
        "points_if": "{then} if {condition}; otherwise {otherwise}.",
        "as_written": "In the rubric: {code}",
        "table_intro": "Points are given by a decision table.",
        "policy_first": "The rows are read from the top; the first row whose condition holds gives the points.",
        "policy_unique": "For any candidate exactly one row's condition holds, and that row gives the points.",
        "policy_sum": "The points of every row whose condition holds are added up.",
        "policy_max": "Of the rows whose condition holds, only the one with the most points counts.",
        "policy_zero": "If no row holds, the points are 0.",
        "row": "if {condition} → {points}",
        "row_written": "{row} — in the rubric: {code}",
        "row_otherwise": "otherwise → {points}",
        "row_none": "if no row above holds → {points}",
        "points_n": "{n} points",
        "points_1": "1 point",
        "gates_intro": "Every candidate must meet the conditions below. If a condition that disqualifies is not met, "
                       "the candidate is out of the competition; if a condition that caps is not met, its total can "
                       "be no higher than the cap.",
        "gates_none": "This rubric sets no conditions.",
        "gate_must": "Must hold: {condition}",
        "gate_disqualify": "If not: the candidate is disqualified.",
        "gate_cap": "If not: the total is capped at {cap}.",
        "gate_reason": "Reason given: {reason}",
        "adjust_intro": "Bonuses and penalties are applied after the weighting, outside the 100% of the weights.",
        "adjust_none": "This rubric has no bonuses or penalties.",
        "bonus": "Bonus: {label}", "penalty": "Penalty: {label}",
        "bonus_amount": "Adds {points} to the total.",
        "penalty_amount": "Takes {points} off the total.",
        "bonus_formula": "Points added to the total: {words}.",
        "penalty_formula": "Points taken off the total: {words}.",
        "adjust_when": "Applies when: {condition}",
        "adjust_always": "Always applies.",
        "inputs_intro": "Every figure and fact used in the assessment, with the document that proves it. The code "
                        "is the field's name in data files (YAML, JSON or CSV). Data with a default may be left "
                        "out; all other data are required.",
        "input_code": "Code: {code}",
        "input_type": "What to fill in: {type}",
        "input_stage": "Asked for at: {stage}",
        "type_number": "a number (decimals allowed)",
        "type_count": "a whole number (0, 1, 2, …)",
        "type_bool": "yes or no",
        "type_one_of": "one of these options:",
        "type_set_of": "any of these options (none, one or several):",
        "type_text": "free text",
        "type_panel": "each juror's score (a number), combined by the {rule}",
        "rule_mean": "mean", "rule_median": "median",
        "rule_trimmed_mean": "mean without the lowest and the highest score",
        "unit_percent": "in percent (%)", "unit_rupiah": "in rupiah", "unit": "unit: {unit}",
        "between": "from {low} to {high}", "at_least": "at least {low}", "at_most": "at most {high}",
        "option": "{label} ({code})",
        "input_note": "Note: {text}",
        "input_required": "Required.",
        "input_default": "May be left out; it is then taken as {value}.",
        "none_chosen": "none of them",
        "input_evidence": "Evidence: {text}",
        "input_no_evidence": "Evidence: none named in the rubric.",
        "input_used": "Used in: {uses}",
        "input_unused": "Not scored.",
        "ref_gate": "condition “{label}”", "ref_bonus": "bonus “{label}”", "ref_penalty": "penalty “{label}”",
        "sources_intro": "A source says where a rule or a number comes from; an assumption is a decision of the "
                         "committee without a published source.",
        "sources_rubric": "The rubric as a whole",
        "sources_criteria": "Criteria", "sources_gates": "Conditions", "sources_adjust": "Bonuses and penalties",
        "sources_lets": "Derived values", "sources_inputs": "Data", "sources_stages": "Stages",
        "source": "Source: {text}", "assumption": "Assumption: {text}",
        "sources_none": "The rubric names no sources or assumptions.",
        "yes": "yes", "no": "no",
        "set_has": "{set}: includes {member}",
        "set_lacks": "{set}: does not include {member}",
        "enum_is": "{input}: {member}",
        "enum_is_not": "{input}: not {member}",
        "enum_not_in": "{input}: neither {members}",
        "not": "it is not so that {condition}",
        "and": "and", "or": "or", "nor": "nor",
        "count_of": "the number of options chosen in {set}",
        "op_=": "is", "op_!=": "is not", "op_<": "is less than", "op_<=": "is at most", "op_>": "is more than",
        "op_>=": "is at least",
        "fn_*": "{sym} means multiplied by",
        "fn_/": "{sym} means divided by",
        "fn_clamp": "{sym}: the value x, but no lower than a and no higher than b",
        "fn_ratio": "{sym}: a divided by b, or z when b is 0",
        "fn_min": "{sym}: the smallest of the values",
        "fn_max": "{sym}: the largest of the values",
        "fn_round": "{sym}: x rounded to n decimal places",
        "fn_count_of": "{sym}: how many options are chosen in x",
        "fn_if": "{sym}: a when c holds, otherwise b",
        "f_clamp": "{x}, but no lower than {low} and no higher than {high}",
        "f_at_most": "{x}, but no more than {n}",
        "f_at_least": "{x}, but no less than {n}",
        "f_min": "the smallest of {items}",
        "f_max": "the largest of {items}",
        "f_ratio": "{a} ÷ {b} (or {z} when {b} is 0)",
        "f_round": "{x}, rounded to {n} decimal places",
        "f_if": "{a} if {c}, otherwise {b}",
    },
    "id": {
        "title": "{award} edisi {edition} — periode penilaian {period}",
        "subtitle": "Buku panduan peserta",
        "category": "Kategori: {label} (kode {code})",
        "category_sector": "Kategori: {label} (kode {code}, sektor {sector})",
        "round": "Tingkat {code}",
        "round_nasional": "Tingkat nasional",
        "round_provinsi": "Tingkat provinsi",
        "generated": "Buku panduan ini disusun otomatis dari rubrik {file}, yaitu aturan yang sama persis dengan yang "
                     "dipakai untuk menghitung nilai. Jika rubrik berubah, buku panduan ini disusun ulang.",
        "fingerprint": "Sidik jari rubrik (sha256): {hash}. Setiap catatan audit sebuah nilai memuat sidik jari yang "
                       "sama, sehingga nilai itu dapat dicocokkan dengan buku panduan ini.",
        "extends": "Rubrik ini melanjutkan rubrik {parent}; semua aturan yang diwarisinya sudah dimuat di sini.",
        "contents": "Isi",
        "s_score": "Cara nilai dihitung",
        "s_points": "Cara poin diberikan",
        "s_gates": "Syarat",
        "s_adjust": "Bonus dan pengurangan nilai",
        "s_stages": "Tahapan",
        "stages_intro": "Penilaian berjalan dalam tahapan berikut, berurutan. Setiap data diminta pada tahap ketika data "
                        "itu dibutuhkan, dan setiap kriteria, syarat, bonus dan pengurangan nilai dinilai begitu data "
                        "yang dibacanya tersedia. Setelah setiap tahap, nilai total sementara dihitung seperti pada "
                        "“{section}”, dari apa yang sudah dinilai; aturan tahap menentukan siapa yang lanjut ke tahap "
                        "berikutnya.",
        "stage_heading": "Tahap {number}: {label}",
        "stage_data": "Data yang diminta pada tahap ini:",
        "stage_no_data": "Tidak ada data baru yang diminta pada tahap ini.",
        "stage_scored": "Yang dinilai pada tahap ini:",
        "stage_nothing_scored": "Tidak ada yang baru dinilai pada tahap ini.",
        "stage_advance": "Syarat lanjut ke tahap berikutnya: {condition}",
        "stage_all_advance": "Semua peserta lanjut ke tahap berikutnya.",
        "stage_last": "Ini tahap terakhir: nilai total setelahnya adalah nilai akhir.",
        "provisional_total": "nilai total sementara",
        "s_rank": "Peringkat dan nominasi",
        "rank_order": "Peserta yang tidak didiskualifikasi diperingkat menurut nilai akhir, dari yang tertinggi.",
        "rank_order_within": "Peserta yang tidak didiskualifikasi diperingkat di dalam setiap {group}, menurut "
                             "nilai akhir, dari yang tertinggi.",
        "rank_ties": "Jika nilai akhir sama, penentunya berturut-turut: {keys}. Peserta yang sama pada semuanya "
                     "berbagi peringkat; panitia lalu memutuskan di antara mereka.",
        "rank_no_ties": "Peserta dengan nilai akhir sama berbagi peringkat; panitia lalu memutuskan di antara mereka.",
        "rank_nominate": "{count} peserta teratas dari setiap kelompok maju ke babak berikutnya; jika ada nilai sama "
                         "pada urutan terakhir, semua yang berbagi urutan itu maju.",
        "rank_nominate_all": "{count} peserta teratas maju ke babak berikutnya; jika ada nilai sama pada urutan "
                             "terakhir, semua yang berbagi urutan itu maju.",
        "s_inputs": "Data yang perlu disiapkan",
        "s_sources": "Sumber dan asumsi",
        "score_intro": "Setiap kriteria diberi poin pada skala {low} sampai {high}. Nilai akhir adalah jumlah "
                       "tertimbang: poin setiap kriteria utama dikalikan bobotnya, lalu hasilnya dijumlahkan. Kriteria "
                       "yang mempunyai subkriteria mendapat poinnya dengan cara yang sama dari subkriterianya.",
        "steps": "Urutan perhitungannya:",
        "step_leaf": "Setiap kriteria tanpa subkriteria diberi poin berdasarkan data Anda (lihat “{section}”), lalu "
                     "dibulatkan seperti dijelaskan di bawah.",
        "step_parent": "Kriteria yang mempunyai subkriteria mendapat jumlah tertimbang poin subkriterianya, juga "
                       "dibulatkan.",
        "step_weighted": "Nilai tertimbang adalah jumlah bobot × poin seluruh kriteria utama.",
        "step_adjust": "Bonus ditambahkan dan pengurangan nilai dikurangkan (lihat “{section}”).",
        "step_cap": "Jika syarat yang membatasi nilai tidak terpenuhi, nilai akhir diturunkan ke batas itu; jika "
                    "lebih dari satu, berlaku batas yang terendah (lihat “{section}”).",
        "step_scale": "Nilai akhir dijaga tetap di dalam skala {low} sampai {high}, lalu dibulatkan.",
        "step_disqualify": "Jika syarat gugur tidak terpenuhi, peserta didiskualifikasi: nilainya tetap dihitung dan "
                           "ditampilkan, tetapi peserta tidak ikut bersaing (lihat “{section}”).",
        "places": "{places} angka di belakang koma",
        "places_0": "ke bilangan bulat",
        "places_1": "1 angka di belakang koma",
        "round_half_up": "Pembulatan: {where}; angka 5 dibulatkan ke atas ({a} menjadi {b}; {c} menjadi {d}).",
        "round_half_even": "Pembulatan: {where}; angka 5 dibulatkan ke angka genap terdekat ({a} menjadi {b}; {c} "
                           "menjadi {d}).",
        "round_down": "Pembulatan: {where}; kelebihan angkanya dibuang ({a} menjadi {b}; {c} menjadi {d}).",
        "weights": "Bobot kriteria",
        "weights_intro": "Bobot sebuah kriteria adalah porsinya di dalam induknya (untuk kriteria utama: di dalam "
                         "nilai akhir). Porsinya dari nilai akhir adalah hasil kali bobot dari atas ke bawah, sehingga "
                         "porsi semua kriteria yang dinilai langsung berjumlah 100%.",
        "weights_example": "Contoh: {child} berbobot {w} di dalam {parent} ({pshare} dari nilai akhir), sehingga "
                           "porsinya {pshare} × {w} = {share} dari nilai akhir; poin penuh ({high}) pada kriteria ini "
                           "menyumbang {add} ke nilai akhir.",
        "weights_example_flat": "Contoh: {child} berbobot {w}; poin penuh ({high}) pada kriteria ini menyumbang {add} "
                                "ke nilai akhir.",
        "col_number": "No.", "col_criterion": "Kriteria", "col_weight": "Bobot dalam induk",
        "col_share": "Porsi dari nilai akhir", "col_points": "Poin",
        "points_intro": "Setiap kriteria di bawah ini bernilai {low} sampai {high} poin. Data yang disebut di sini "
                        "dijelaskan di bagian “{section}”, beserta bukti dukungnya.",
        "weight_root": "Bobot {w} dari nilai akhir.",
        "weight_child": "Bobot {w} di dalam {parent}; porsi {share} dari nilai akhir.",
        "parent_sum": "Poinnya adalah jumlah tertimbang subkriterianya:",
        "parent_term": "{w} × poin {child}",
        "band_intro": "Poin ditentukan menurut rentang {subject}:",
        "calc_as": "{subject} dihitung sebagai: {words}.",
        "calc_as_code": "{subject} dihitung dengan rumus {formula}.",
        "where": "dengan:",
        "name_input": "{label} (data isian)",
        "name_let": "{label}, dihitung dengan rumus {formula}",
        "name_let_words": "{label}, dihitung sebagai: {words}",
        "points_name": "Poinnya sama dengan {label}.",
        "points_words": "Poinnya: {words}.",
        "points_words_code": "Poinnya dihitung dengan rumus {formula}.",
        "points_if": "{then} jika {condition}; selain itu {otherwise}.",
        "as_written": "Di rubrik: {code}",
        "table_intro": "Poin diberikan menurut tabel keputusan.",
        "policy_first": "Baris dibaca dari atas; baris pertama yang kondisinya terpenuhi menentukan poin.",
        "policy_unique": "Untuk setiap peserta tepat satu baris yang kondisinya terpenuhi, dan baris itulah yang "
                         "menentukan poin.",
        "policy_sum": "Poin semua baris yang kondisinya terpenuhi dijumlahkan.",
        "policy_max": "Dari baris-baris yang kondisinya terpenuhi, hanya poin tertinggi yang dihitung.",
        "policy_zero": "Jika tidak ada yang terpenuhi, poinnya 0.",
        "row": "jika {condition} → {points}",
        "row_written": "{row} — di rubrik: {code}",
        "row_otherwise": "selain itu → {points}",
        "row_none": "jika tidak ada baris di atas yang terpenuhi → {points}",
        "points_n": "{n} poin",
        "points_1": "1 poin",
        "gates_intro": "Setiap peserta harus memenuhi syarat berikut. Jika syarat gugur tidak terpenuhi, peserta "
                       "didiskualifikasi; jika syarat pembatas tidak terpenuhi, nilai akhirnya tidak boleh melebihi "
                       "batas yang ditetapkan.",
        "gates_none": "Rubrik ini tidak menetapkan syarat.",
        "gate_must": "Yang harus terpenuhi: {condition}",
        "gate_disqualify": "Jika tidak terpenuhi: peserta didiskualifikasi (gugur).",
        "gate_cap": "Jika tidak terpenuhi: nilai akhir dibatasi paling tinggi {cap}.",
        "gate_reason": "Alasan yang disampaikan: {reason}",
        "adjust_intro": "Bonus dan pengurangan nilai diberikan setelah pembobotan, di luar 100% bobot kriteria.",
        "adjust_none": "Rubrik ini tidak memberikan bonus atau pengurangan nilai.",
        "bonus": "Bonus: {label}", "penalty": "Pengurangan nilai: {label}",
        "bonus_amount": "Menambah nilai akhir sebanyak {points}.",
        "penalty_amount": "Mengurangi nilai akhir sebanyak {points}.",
        "bonus_formula": "Poin yang ditambahkan pada nilai akhir: {words}.",
        "penalty_formula": "Poin yang dikurangkan dari nilai akhir: {words}.",
        "adjust_when": "Berlaku jika: {condition}",
        "adjust_always": "Selalu berlaku.",
        "inputs_intro": "Berikut semua data yang dipakai dalam penilaian, beserta dokumen yang membuktikannya. Kode "
                        "adalah nama isian dalam berkas data (YAML, JSON atau CSV). Data yang mempunyai nilai bawaan "
                        "boleh dikosongkan; data lainnya wajib diisi.",
        "input_code": "Kode: {code}",
        "input_type": "Isian: {type}",
        "input_stage": "Diminta pada: {stage}",
        "type_number": "angka (boleh desimal)",
        "type_count": "bilangan bulat (0, 1, 2, …)",
        "type_bool": "ya atau tidak",
        "type_one_of": "pilih satu dari:",
        "type_set_of": "pilih semua yang sesuai (boleh tidak ada, satu, atau beberapa):",
        "type_text": "teks bebas",
        "type_panel": "nilai setiap juri (angka), digabung dengan {rule}",
        "rule_mean": "rata-rata", "rule_median": "median",
        "rule_trimmed_mean": "rata-rata tanpa nilai terendah dan tertinggi",
        "unit_percent": "dalam persen (%)", "unit_rupiah": "dalam rupiah", "unit": "satuan: {unit}",
        "between": "dari {low} sampai dengan {high}", "at_least": "paling sedikit {low}", "at_most": "paling banyak {high}",
        "option": "{label} ({code})",
        "input_note": "Keterangan: {text}",
        "input_required": "Wajib diisi.",
        "input_default": "Boleh dikosongkan; jika kosong dianggap {value}.",
        "none_chosen": "tidak ada yang dipilih",
        "input_evidence": "Bukti dukung: {text}",
        "input_no_evidence": "Bukti dukung: tidak disebutkan dalam rubrik.",
        "input_used": "Dipakai pada: {uses}",
        "input_unused": "Tidak dinilai.",
        "ref_gate": "syarat “{label}”", "ref_bonus": "bonus “{label}”", "ref_penalty": "pengurangan nilai “{label}”",
        "sources_intro": "Sumber menunjukkan asal sebuah aturan atau angka; asumsi adalah keputusan panitia yang tidak "
                         "bersumber dari ketentuan yang diterbitkan.",
        "sources_rubric": "Rubrik secara keseluruhan",
        "sources_criteria": "Kriteria", "sources_gates": "Syarat", "sources_adjust": "Bonus dan pengurangan nilai",
        "sources_lets": "Nilai turunan", "sources_inputs": "Data isian", "sources_stages": "Tahapan",
        "source": "Sumber: {text}", "assumption": "Asumsi: {text}",
        "sources_none": "Rubrik ini tidak menyebutkan sumber atau asumsi.",
        "yes": "ya", "no": "tidak",
        "set_has": "{set}: ada {member}",
        "set_lacks": "{set}: tidak ada {member}",
        "enum_is": "{input}: {member}",
        "enum_is_not": "{input}: bukan {member}",
        "enum_not_in": "{input}: bukan {members}",
        "not": "tidak benar bahwa {condition}",
        "and": "dan", "or": "atau", "nor": "maupun",
        "count_of": "banyaknya pilihan pada {set}",
        "op_=": "sama dengan", "op_!=": "tidak sama dengan", "op_<": "kurang dari", "op_<=": "paling banyak",
        "op_>": "lebih dari", "op_>=": "paling sedikit",
        "fn_*": "{sym} berarti dikali",
        "fn_/": "{sym} berarti dibagi",
        "fn_clamp": "{sym}: nilai x, tetapi tidak kurang dari a dan tidak lebih dari b",
        "fn_ratio": "{sym}: a dibagi b, atau z jika b bernilai 0",
        "fn_min": "{sym}: nilai terkecil di antaranya",
        "fn_max": "{sym}: nilai terbesar di antaranya",
        "fn_round": "{sym}: x dibulatkan ke n angka di belakang koma",
        "fn_count_of": "{sym}: banyaknya pilihan yang dipilih pada x",
        "fn_if": "{sym}: a jika c terpenuhi, selain itu b",
        "f_clamp": "{x}, tetapi paling rendah {low} dan paling tinggi {high}",
        "f_at_most": "{x}, tetapi paling tinggi {n}",
        "f_at_least": "{x}, tetapi paling rendah {n}",
        "f_min": "yang terkecil dari {items}",
        "f_max": "yang terbesar dari {items}",
        "f_ratio": "{a} ÷ {b} (atau {z} jika {b} bernilai 0)",
        "f_round": "{x}, dibulatkan ke {n} angka di belakang koma",
        "f_if": "{a} jika {c}, selain itu {b}",
    },
}

# How each built-in is written in a legend, in the rubric's own notation.
_SYMBOLS = {
    "*": "*", "/": "/", "clamp": "clamp(x, a, b)", "ratio": "ratio(a, b, if zero z)", "min": "min(a, b, …)",
    "max": "max(a, b, …)", "round": "round(x, n)", "count_of": "count of x", "if": "if c then a else b",
}

# A number in the checker's band wording, to be shown the English way (50000 -> 50,000).
_NUMBER_IN_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


# ------------------------------------------------------------------ the document as blocks

# Inline markup inside block text: code (rubric text, names) and strong emphasis.
_CODE_OPEN, _CODE_CLOSE, _BOLD_OPEN, _BOLD_CLOSE = "\x0e", "\x0f", "\x10", "\x11"
_INLINE = re.compile("\x0e(.*?)\x0f|\x10(.*?)\x11", re.S)


def _code(text: str) -> str:
    return f"{_CODE_OPEN}{text}{_CODE_CLOSE}"


def _bold(text: str) -> str:
    return f"{_BOLD_OPEN}{text}{_BOLD_CLOSE}"


@attrs.frozen
class _Heading:
    level: int
    text: str


@attrs.frozen
class _Para:
    text: str


@attrs.frozen
class _Items:
    """A list; each item is (depth, text). Numbered lists are flat."""

    items: tuple[tuple[int, str], ...]
    numbered: bool = False


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()  # columns aligned right (numbers)


_Block = Union[_Heading, _Para, _Items, _Table]


# ------------------------------------------------------------------ writing


@attrs.frozen
class _Node:
    """A criterion in tree order, with its number (1, 2.1, ...), depth and share of the total."""

    model: CriterionModel
    number: str
    depth: int
    share: Decimal  # fraction of the total


class _Writer:
    def __init__(self, model: RubricModel, lang: str, identity: dict[str, object], fingerprint: str) -> None:
        self.model = model
        self.lang = lang
        self.words = PHRASES[lang]
        self.identity = identity
        self.fingerprint = fingerprint
        self.inputs = {i.decl.name: i for i in model.inputs}
        self.lets = {let.decl.name: let for let in model.lets}
        self.criteria = {c.decl.name: c for c in model.criteria}
        self.nodes = list(self._tree())
        self.by_name = {n.model.decl.name: n for n in self.nodes}

    # ---------------------------------------------------------- small pieces

    def w(self, key: str, **values: object) -> str:
        return self.words[key].format(**values)

    def label(self, meta: tuple[ast.Meta, ...], name: str) -> str:
        return pick_text(texts(meta, "label"), self.lang) or name

    def text(self, meta: tuple[ast.Meta, ...], kind: str) -> str | None:
        return pick_text(texts(meta, kind), self.lang)

    def number(self, value: Decimal) -> str:
        return localise(normalize(value.normalize()) if value == value.to_integral_value() else value.normalize(),
                         self.lang)

    def percent(self, fraction: Decimal) -> str:
        return self.number(fraction * 100) + "%"

    def points(self, value: Decimal) -> str:
        if value == 1:
            return self.w("points_1")
        return self.w("points_n", n=self.number(value))

    def points_of(self, expr: ast.Expr) -> str:
        """Points a row gives: a number in words, or the formula as written."""
        if isinstance(expr, ast.Number):
            return self.points(expr.value)
        return _code(self.excerpt(expr))

    def excerpt(self, node: ast.Expr) -> str:
        """Rubric text as written, from whichever file (of an extends chain) it is in."""
        return self.model.sources.get(node.span.path, self.model.source).excerpt(node.span)

    def criterion_ref(self, name: str) -> str:
        node = self.by_name[name]
        return f"{node.number} {self.label(node.model.decl.meta, name)}"

    def unit(self, name: str) -> str | None:
        item = self.inputs.get(name)
        unit = item.spec.unit if item is not None else None
        if unit is None:
            return None
        return {"percent": "%", "rupiah": "rupiah"}.get(unit, unit)

    def with_unit(self, value: Decimal, name: str | None) -> str:
        unit = self.unit(name) if name else None
        shown = self.number(value)
        if unit is None:
            return shown
        return shown + unit if unit == "%" else f"{shown} {unit}"

    def rounding_example(self) -> tuple[str, str, str, str]:
        """Two values and how the rubric's rounding treats them, built for its mode and places."""
        places, mode = self.model.rounding_places, self.model.rounding_mode
        digits = "4" * places
        first = Decimal(f"2.{digits}5")
        if mode == "half_even":
            second = first + Decimal(1).scaleb(-places)  # 2.455: now the 5 follows an odd digit
        elif mode == "down":
            second = Decimal(f"2.{digits}9")
        else:
            second = Decimal(f"2.{digits}4")
        shown = [self.number(v) for v in (first, round_to(first, places, mode), second, round_to(second, places, mode))]
        return shown[0], shown[1], shown[2], shown[3]

    # ---------------------------------------------------------- the tree

    def _tree(self) -> Iterator[_Node]:
        def walk(name: str, number: str, depth: int, share: Decimal) -> Iterator[_Node]:
            criterion = self.criteria[name]
            mine = share * criterion.weight
            yield _Node(criterion, number, depth, mine)
            for index, child in enumerate(criterion.children, 1):
                yield from walk(child, f"{number}.{index}", depth + 1, mine)

        for index, root in enumerate(self.model.roots, 1):
            yield from walk(root, str(index), 0, Decimal(1))

    # ---------------------------------------------------------- the document

    def document(self) -> list[_Block]:
        blocks = self.title()
        blocks += self.score()
        blocks += self.points_section()
        blocks += self.gates()
        blocks += self.adjustments()
        blocks += self.stages_section()
        blocks += self.ranking_section()
        blocks += self.inputs_section()
        blocks += self.sources()
        return blocks

    def title(self) -> list[_Block]:
        ident = self.identity
        category_label = self.label(self.model.rubric.meta, str(ident["category"]))
        blocks: list[_Block] = [
            _Heading(1, self.w("title", award=ident["award"], edition=ident["edition"], period=ident["period"])),
            _Para(_bold(self.w("subtitle"))),
        ]
        if ident["sector"]:
            line = self.w("category_sector", label=category_label, code=_code(str(ident["category"])),
                          sector=_code(str(ident["sector"])))
        else:
            line = self.w("category", label=category_label, code=_code(str(ident["category"])))
        blocks.append(_Para(line))
        if self.model.round is not None:
            blocks.append(_Para(self.round_name(self.model.round)))
        description = self.text(self.model.rubric.meta, "description")
        if description:
            blocks.append(_Para(description))
        about = [self.w("generated", file=_code(PurePath(self.model.source.path).name))]
        if self.model.rubric.extends:
            about.append(self.w("extends", parent=_code(self.model.rubric.extends)))
        about.append(self.w("fingerprint", hash=_code(self.fingerprint)))
        blocks.append(_Para(" ".join(about)))
        staged = ("s_stages",) if self.model.stages else ()
        ranked = ("s_rank",) if self.model.ranking is not None else ()
        sections = ("s_score", "s_points", "s_gates", "s_adjust", *staged, *ranked, "s_inputs", "s_sources")
        blocks.append(_Para(_bold(self.w("contents"))))
        blocks.append(_Items(tuple((0, self.w(s)) for s in sections), numbered=True))
        return blocks

    def round_name(self, name: str) -> str:
        """The round the rubric scores: worded for the two rounds of the award, else by its name."""
        if name in ("nasional", "provinsi"):
            return self.w(f"round_{name}")
        return self.w("round", code=_code(name))

    # ---------------------------------------------------------- how the score is made

    def score(self) -> list[_Block]:
        low, high = (self.number(v) for v in self.model.scale)
        has_parents = any(n.model.children for n in self.nodes)
        caps = any(g.decl.action == "cap" for g in self.model.gates)
        disqualifies = any(g.decl.action == "disqualify" for g in self.model.gates)
        steps = [self.w("step_leaf", section=self.w("s_points"))]
        if has_parents:
            steps.append(self.w("step_parent"))
        steps.append(self.w("step_weighted"))
        if self.model.adjustments:
            steps.append(self.w("step_adjust", section=self.w("s_adjust")))
        if caps:
            steps.append(self.w("step_cap", section=self.w("s_gates")))
        steps.append(self.w("step_scale", low=low, high=high))
        if disqualifies:
            steps.append(self.w("step_disqualify", section=self.w("s_gates")))
        places = self.model.rounding_places
        where = self.w("places_0") if places == 0 else self.w("places_1") if places == 1 else self.w("places", places=places)
        a, b, c, d = self.rounding_example()
        blocks: list[_Block] = [
            _Heading(2, self.w("s_score")),
            _Para(self.w("score_intro", low=low, high=high)),
            _Para(self.w("steps")),
            _Items(tuple((0, s) for s in steps), numbered=True),
            _Para(self.w(f"round_{self.model.rounding_mode}", where=where, a=a, b=b, c=c, d=d)),
            _Heading(3, self.w("weights")),
            _Para(self.w("weights_intro")),
        ]
        example = self.weights_example()
        if example:
            blocks.append(_Para(example))
        rows = tuple(
            (n.number, self.label(n.model.decl.meta, n.model.decl.name), self.percent(n.model.weight), self.percent(n.share))
            for n in self.nodes
        )
        header = (self.w("col_number"), self.w("col_criterion"), self.w("col_weight"), self.w("col_share"))
        blocks.append(_Table(header, rows, right=frozenset({2, 3})))
        return blocks

    def weights_example(self) -> str | None:
        leaves = [n for n in self.nodes if not n.model.children]
        if not leaves:
            return None
        high = self.model.scale[1]
        nested = next((n for n in leaves if n.depth > 0), None)
        if nested is None:
            node = leaves[0]
            return self.w("weights_example_flat", child=self.criterion_ref(node.model.decl.name),
                          w=self.percent(node.model.weight), high=self.number(high), add=self.number(node.share * high))
        parent = self.by_name[str(nested.model.decl.parent)]
        return self.w("weights_example", child=self.criterion_ref(nested.model.decl.name), w=self.percent(nested.model.weight),
                      parent=self.criterion_ref(parent.model.decl.name), pshare=self.percent(parent.share),
                      share=self.percent(nested.share), high=self.number(high), add=self.number(nested.share * high))

    # ---------------------------------------------------------- how points are given

    def points_section(self) -> list[_Block]:
        low, high = (self.number(v) for v in self.model.scale)
        blocks: list[_Block] = [
            _Heading(2, self.w("s_points")),
            _Para(self.w("points_intro", low=low, high=high, section=self.w("s_inputs"))),
        ]
        for node in self.nodes:
            decl = node.model.decl
            blocks.append(_Heading(min(3 + node.depth, 6), self.criterion_ref(decl.name)))
            if decl.parent is None:
                blocks.append(_Para(self.w("weight_root", w=self.percent(node.model.weight))))
            else:
                blocks.append(_Para(self.w("weight_child", w=self.percent(node.model.weight),
                                           parent=self.criterion_ref(decl.parent), share=self.percent(node.share))))
            description = self.text(decl.meta, "description")
            if description:
                blocks.append(_Para(description))
            if node.model.children:
                blocks.append(_Para(self.w("parent_sum")))
                blocks.append(_Items(tuple(
                    (0, self.w("parent_term", w=self.percent(self.criteria[c].weight), child=self.criterion_ref(c)))
                    for c in node.model.children
                )))
                continue
            points = node.model.points
            assert points is not None
            if isinstance(points, ast.PointsBand):
                blocks += self.band(points)
            elif isinstance(points, ast.PointsTable):
                blocks += self.table(points)
            else:
                blocks += self.formula_points(points.expr)
        return blocks

    def band(self, band: ast.PointsBand) -> list[_Block]:
        subject = band.subject
        name = subject.id if isinstance(subject, ast.Name) else None
        if name is not None:
            title = self.value_label(name)
        else:
            title = _code(self.excerpt(subject))
        blocks: list[_Block] = [_Para(self.w("band_intro", subject=_bold(title) if name else title))]
        unit = self.unit(name) if name else None
        column = f"{title} ({unit})" if unit and name else title
        rows = tuple((self.band_row(row), self.number(row.points.value) if isinstance(row.points, ast.Number)
                      else _code(self.excerpt(row.points))) for row in band.rows)
        blocks.append(_Table((column, self.w("col_points")), rows, right=frozenset({1})))
        if name is not None and name in self.lets:
            blocks += self.let_blocks(name)
        elif name is None:
            blocks += self.legend(subject, functions=True)
        return blocks

    def band_row(self, row: ast.BandRow) -> str:
        if self.lang == "en":
            return _NUMBER_IN_TEXT.sub(lambda m: self.number(Decimal(m.group())), describe_band_row(row))
        return self.band_row_id(row)

    def band_row_id(self, row: ast.BandRow) -> str:
        """A band row in Indonesian: 'mulai 75 sampai di bawah 100', 'di bawah 50', 'tepat 0', 'selain itu'."""
        if row.otherwise:
            return "selain itu"
        low, high = row.lower, row.upper
        if low is not None and high is not None and low == high:
            return f"tepat {self.number(low)}"
        if low is None and high is None:
            return "berapa pun"
        if low is None:
            assert high is not None
            return f"{self.number(high)} atau kurang" if row.upper_inclusive else f"di bawah {self.number(high)}"
        if high is None:
            return f"{self.number(low)} atau lebih" if row.lower_inclusive else f"di atas {self.number(low)}"
        start = f"mulai {self.number(low)}" if row.lower_inclusive else f"di atas {self.number(low)}"
        end = f"sampai dengan {self.number(high)}" if row.upper_inclusive else f"sampai di bawah {self.number(high)}"
        return f"{start} {end}"

    def table(self, table: ast.PointsTable) -> list[_Block]:
        has_otherwise = any(r.condition is None for r in table.rows)
        policy = self.w(f"policy_{table.policy}")
        if table.policy in ("sum", "max") and not has_otherwise:
            policy += " " + self.w("policy_zero")
        items: list[tuple[int, str]] = []
        for row in table.rows:
            points = _bold(self.points_of(row.points))
            if row.condition is None:
                key = "row_otherwise" if table.policy in ("first", "unique") else "row_none"
                items.append((0, self.w(key, points=points)))
                continue
            written = _code(self.excerpt(row.condition))
            words = self.condition(row.condition)
            if words is None:
                items.append((0, self.w("row", condition=written, points=points)))
            else:
                items.append((0, self.w("row_written", row=self.w("row", condition=words, points=points), code=written)))
        conditions = [row.condition for row in table.rows if row.condition is not None]
        return [_Para(f"{self.w('table_intro')} {policy}"), _Items(tuple(items)), *self.lets_legend(conditions)]

    def lets_legend(self, exprs: Iterable[ast.Expr]) -> list[_Block]:
        """How the derived values a condition tests are computed: a reader cannot look them up anywhere else."""
        names = dict.fromkeys(name for expr in exprs for name in names_read(expr) if name in self.lets)
        return [block for name in names for block in self.legend(ast.Name(name, self.lets[name].decl.span))]

    def formula_points(self, expr: ast.Expr) -> list[_Block]:
        if isinstance(expr, ast.Name):
            blocks: list[_Block] = [_Para(self.w("points_name", label=_bold(self.value_label(expr.id))))]
            if expr.id in self.lets:
                blocks += self.let_blocks(expr.id)
            return blocks
        if isinstance(expr, ast.IfThenElse):
            condition = self.condition(expr.condition)
            if condition is not None and isinstance(expr.then, ast.Number) and isinstance(expr.otherwise, ast.Number):
                return [
                    _Para(_capitalise(self.w("points_if", then=self.points(expr.then.value), condition=condition,
                                             otherwise=self.points(expr.otherwise.value)))),
                    _Para(self.w("as_written", code=_code(self.excerpt(expr)))),
                ]
        return self.formula_blocks(expr, "points_words")

    def let_blocks(self, name: str) -> list[_Block]:
        return self.formula_blocks(self.lets[name].expr, "calc_as", skip={name}, subject=self.value_label(name))

    def formula_blocks(self, expr: ast.Expr, key: str, skip: frozenset[str] | set[str] = frozenset(),
                       **values: str) -> list[_Block]:
        """A formula in words, then as written, then what its names stand for; as written alone if words fail."""
        written = _code(self.excerpt(expr))
        said = self.formula(expr)
        if said is None:
            return [_Para(self.w(f"{key}_code", formula=written, **values)), *self.legend(expr, skip, functions=True)]
        return [_Para(self.w(key, words=said[0], **values)), _Para(self.w("as_written", code=written)),
                *self.legend(expr, skip)]

    def formula(self, expr: ast.Expr) -> tuple[str, int] | None:
        """A formula in words with quoted labels, and how tightly it binds (3 atom, 2 × ÷, 1 + −, 0 phrase)."""
        match expr:
            case ast.Number(value):
                return self.number(value), 3
            case ast.Name(name):
                return f"“{self.value_label(name)}”", 3
            case ast.Unary("-", operand):
                inner = self.formula(operand)
                return None if inner is None else (f"−{_wrap(inner, 3)}", 3)
            case ast.Binary("+" | "-" | "*" | "/", left, right):
                binding = 1 if expr.op in "+-" else 2
                said_left, said_right = self.formula(left), self.formula(right)
                if said_left is None or said_right is None:
                    return None
                right_needs = binding + 1 if expr.op in "-/" else binding
                symbol = {"+": "+", "-": "−", "*": "×", "/": "÷"}[expr.op]
                return f"{_wrap(said_left, binding)} {symbol} {_wrap(said_right, right_needs)}", binding
            case ast.Call("count_of", (ast.Name(name),)):
                return self.w("count_of", set=f"“{self.value_label(name)}”"), 3
            case ast.Call("clamp", (value, low, high)):
                parts = [self.formula(e) for e in (value, low, high)]
                if None in parts:
                    return None
                x, a, b = (p for p in parts if p is not None)
                return self.w("f_clamp", x=x[0], low=_wrap(a, 1), high=_wrap(b, 1)), 0
            case ast.Call("min" | "max" as func, args):
                return self.extreme(func, args)
            case ast.Call("ratio", (top, bottom, zero)):
                parts = [self.formula(e) for e in (top, bottom, zero)]
                if None in parts:
                    return None
                a, b, z = (p for p in parts if p is not None)
                return self.w("f_ratio", a=_wrap(a, 2), b=_wrap(b, 3), z=_wrap(z, 1)), 0
            case ast.Call("round", (value, ast.Number(places))):
                inner = self.formula(value)
                return None if inner is None else (self.w("f_round", x=inner[0], n=self.number(places)), 0)
            case ast.IfThenElse(condition, then, otherwise):
                said_condition = self.condition(condition)
                said_then, said_otherwise = self.formula(then), self.formula(otherwise)
                if said_condition is None or said_then is None or said_otherwise is None:
                    return None
                return self.w("f_if", a=_wrap(said_then, 1), c=said_condition, b=_wrap(said_otherwise, 1)), 0
        return None

    def extreme(self, func: str, args: tuple[ast.Expr, ...]) -> tuple[str, int] | None:
        """min/max in words: 'x, but no more than 100' when one side is a number, else 'the smallest of ...'."""
        parts = [self.formula(a) for a in args]
        if any(p is None for p in parts):
            return None
        said = [p for p in parts if p is not None]
        numbers = [i for i, a in enumerate(args) if isinstance(a, ast.Number)]
        if len(args) == 2 and len(numbers) == 1:
            bound, other = said[numbers[0]], said[1 - numbers[0]]
            return self.w("f_at_most" if func == "min" else "f_at_least", x=other[0], n=bound[0]), 0
        return self.w(f"f_{func}", items=self.join([_wrap(p, 1) for p in said], self.words["and"])), 0

    def value_label(self, name: str) -> str:
        if name == TOTAL:
            return self.w("provisional_total")
        if name in self.inputs:
            return self.label(self.inputs[name].decl.meta, name)
        if name in self.lets:
            return self.label(self.lets[name].decl.meta, name)
        return name

    def legend(self, expr: ast.Expr, skip: frozenset[str] | set[str] = frozenset(),
               functions: bool = False) -> list[_Block]:
        """What the names in a formula stand for (lets with their own formulas, recursively).

        With `functions`, or when a let's formula cannot be put in words, the operators and
        built-ins of the formulas shown as written are explained too.
        """
        items: list[tuple[int, str]] = []
        seen: set[str] = set(skip)
        formulas = [expr] if functions else []

        def explain(names: Iterable[str]) -> None:
            for name in names:
                if name in seen:
                    continue
                seen.add(name)
                if name in self.lets:
                    let = self.lets[name]
                    said = self.formula(let.expr)
                    if said is None:
                        formulas.append(let.expr)
                        entry = self.w("name_let", label=self.value_label(name), formula=_code(self.excerpt(let.expr)))
                    else:
                        entry = self.w("name_let_words", label=self.value_label(name), words=said[0])
                    items.append((0, f"{_code(name)}: {entry}"))
                    explain(names_read(let.expr))
                else:
                    items.append((0, f"{_code(name)}: " + self.w("name_input", label=self.value_label(name))))

        explain(names_read(expr))
        used = _functions(formulas)
        items += [(0, self.w(f"fn_{f}", sym=_code(_SYMBOLS[f]))) for f in _SYMBOL_ORDER if f in used]
        if not items:
            return []
        return [_Para(self.w("where")), _Items(tuple(items))]

    # ---------------------------------------------------------- conditions in words

    def condition(self, expr: ast.Expr) -> str | None:
        """A condition in words with labels, or None when its shape is beyond simple wording."""
        words = self.words
        match expr:
            case ast.Bool(value):
                return words["yes" if value else "no"]
            case ast.Name(name) if name in self.inputs and self.inputs[name].type.kind == "bool":
                return f"{self.value_label(name)}: {words['yes']}"
            case ast.Unary("not", ast.Name(name)) if name in self.inputs and self.inputs[name].type.kind == "bool":
                return f"{self.value_label(name)}: {words['no']}"
            case ast.Unary("not", operand):
                inner = self.condition(operand)
                return None if inner is None else self.w("not", condition=inner)
            case ast.Binary("and" | "or"):
                return self.chain(expr.op, _flatten(expr, expr.op))
            case ast.Binary("in" | "not in", ast.Member(member), ast.Name(name)) if name in self.inputs:
                key = "set_has" if expr.op == "in" else "set_lacks"
                return self.w(key, set=self.value_label(name), member=self.member(name, member))
            case ast.Binary("is" | "=" | "is not" | "!=", ast.Name(name), ast.Member(member)) if name in self.inputs:
                key = "enum_is" if expr.op in ("is", "=") else "enum_is_not"
                return self.w(key, input=self.value_label(name), member=self.member(name, member))
            case ast.Binary("in", ast.Name(name), ast.SetLiteral(members)) if name in self.inputs:
                listed = self.join([self.member(name, m.id) for m in members], words["or"])
                return self.w("enum_is", input=self.value_label(name), member=listed)
            case ast.Binary("not in", ast.Name(name), ast.SetLiteral(members)) if name in self.inputs:
                labels = [self.member(name, m.id) for m in members]
                return self.w("enum_not_in", input=self.value_label(name), members=self.join(labels, words["nor"]))
            case ast.Binary("<" | "<=" | ">" | ">=" | "=" | "!=", left, right):
                unit_name = left.id if isinstance(left, ast.Name) else right.id if isinstance(right, ast.Name) else None
                said_left, said_right = self.quantity(left, unit_name), self.quantity(right, unit_name)
                if said_left is None or said_right is None:
                    return None
                return f"{said_left} {words['op_' + expr.op]} {said_right}"
        return None

    def chain(self, op: str, operands: list[ast.Expr]) -> str | None:
        """Conditions joined by one 'and'/'or'; tests of one set-of input next to each other are said once."""
        parts: list[str] = []
        index = 0
        while index < len(operands):
            between = _range_pair(operands[index:index + 2]) if op == "and" else None
            if between is not None:
                name, row = between
                unit = self.unit(name)
                shown = self.band_row(row) + ("" if unit is None else unit if unit == "%" else f" {unit}")
                parts.append(f"“{self.value_label(name)}”: {shown}")
                index += 2
                continue
            run = _set_run(operands, index)
            if len(run) > 1:
                name = run[0][1]
                members = [self.member(name, member) for member, _ in run]
                parts.append(self.w("set_has", set=self.value_label(name), member=self.join(members, self.words[op])))
                index += len(run)
                continue
            side = operands[index]
            said = self.condition(side)
            if said is None:
                return None
            if isinstance(side, ast.Binary) and side.op in ("and", "or"):
                said = f"({said})"  # the other of and/or, since same-op chains are flattened
            parts.append(said)
            index += 1
        return f" {self.words[op]} ".join(parts)

    def quantity(self, expr: ast.Expr, unit_name: str | None) -> str | None:
        if isinstance(expr, ast.Number):
            return self.with_unit(expr.value, unit_name)
        said = self.formula(expr)
        return None if said is None else _wrap(said, 1)

    def member(self, name: str, member: str) -> str:
        item = self.inputs.get(name)
        if item is not None:
            for candidate in item.decl.type.members:
                if candidate.name == member:
                    return pick_text(candidate.label, self.lang) or member
        return member

    def join(self, parts: list[str], last: str) -> str:
        if len(parts) <= 1:
            return "".join(parts)
        return f"{', '.join(parts[:-1])} {last} {parts[-1]}"

    # ---------------------------------------------------------- gates and adjustments

    def gates(self) -> list[_Block]:
        blocks: list[_Block] = [_Heading(2, self.w("s_gates"))]
        if not self.model.gates:
            return [*blocks, _Para(self.w("gates_none"))]
        blocks.append(_Para(self.w("gates_intro")))
        for gate in self.model.gates:
            decl = gate.decl
            blocks.append(_Heading(3, self.label(decl.meta, decl.name)))
            items = self.said("gate_must", gate.condition)
            if decl.action == "disqualify":
                items.append(self.w("gate_disqualify"))
            else:
                items.append(self.w("gate_cap", cap=self.number(decl.cap or Decimal(0))))
            items.append(self.w("gate_reason", reason=gate_reason(self.model, decl.name, self.lang)))
            description = self.text(decl.meta, "description")
            if description:
                items.append(description)
            blocks.append(_Items(tuple((0, i) for i in items)))
            blocks += self.lets_legend([gate.condition])
        return blocks

    def said(self, key: str, expr: ast.Expr) -> list[str]:
        """A condition in words, then the rubric text as its own item; or the rubric text alone."""
        written = _code(self.excerpt(expr))
        words = self.condition(expr)
        if words is None:
            return [self.w(key, condition=written)]
        return [self.w(key, condition=words), self.w("as_written", code=written)]

    def stages_section(self) -> list[_Block]:
        """The funnel: per stage, the data asked for, what is scored once it is in, and who goes on."""
        if not self.model.stages:
            return []
        index = stage_index(self.model)
        blocks: list[_Block] = [_Heading(2, self.w("s_stages")), _Para(self.w("stages_intro", section=self.w("s_score")))]
        for number, stage in enumerate(self.model.stages):
            decl = stage.decl
            blocks.append(_Heading(3, self.w("stage_heading", number=number + 1, label=self.label(decl.meta, decl.name))))
            description = self.text(decl.meta, "description")
            if description:
                blocks.append(_Para(description))
            arriving = [self.label(i.decl.meta, i.decl.name) for i in self.model.inputs if i.stage == number]
            blocks += self.listed("stage_data", "stage_no_data", arriving)
            blocks += self.listed("stage_scored", "stage_nothing_scored", self.scored_at(number, index))
            blocks += self.advance_rule(stage.advance, last=number == len(self.model.stages) - 1)
        return blocks

    def listed(self, key: str, key_none: str, items: list[str]) -> list[_Block]:
        if not items:
            return [_Para(self.w(key_none))]
        return [_Para(self.w(key)), _Items(tuple((0, item) for item in items))]

    def scored_at(self, stage: int, index: dict[str, int]) -> list[str]:
        """Criteria (by number), conditions, bonuses and penalties whose derived stage is this one."""
        scored = [self.criterion_ref(n.model.decl.name) for n in self.nodes
                  if index[f"criterion:{n.model.decl.name}"] == stage]
        scored += [self.w("ref_gate", label=self.label(g.decl.meta, g.decl.name)) for g in self.model.gates
                   if index[f"gate:{g.decl.name}"] == stage]
        scored += [self.w(f"ref_{a.decl.kind}", label=self.label(a.decl.meta, a.decl.name)) for a in self.model.adjustments
                   if index[f"{a.decl.kind}:{a.decl.name}"] == stage]
        return scored

    def advance_rule(self, advance: ast.Expr | None, last: bool) -> list[_Block]:
        if last:
            return [_Para(self.w("stage_last"))]
        if advance is None:
            return [_Para(self.w("stage_all_advance"))]
        return [_Items(tuple((0, i) for i in self.said("stage_advance", advance))), *self.lets_legend([advance])]

    def ranking_section(self) -> list[_Block]:
        ranking = self.model.ranking
        if ranking is None:
            return []
        criteria = {c.decl.name: c.decl for c in self.model.criteria}
        blocks: list[_Block] = [_Heading(2, self.w("s_rank"))]
        if ranking.within:
            group = self.value_label(ranking.within)
            blocks.append(_Para(self.w("rank_order_within", group=f"“{group}”")))
        else:
            blocks.append(_Para(self.w("rank_order")))
        tie_breaks = [self.label(criteria[k].meta, k) for k in ranking.keys[1:] if k in criteria]
        blocks.append(_Para(self.w("rank_ties", keys="; ".join(tie_breaks)) if tie_breaks else self.w("rank_no_ties")))
        if ranking.nominate is not None:
            key = "rank_nominate" if ranking.within else "rank_nominate_all"
            blocks.append(_Para(self.w(key, count=self.number(ranking.nominate))))
        return blocks

    def adjustments(self) -> list[_Block]:
        blocks: list[_Block] = [_Heading(2, self.w("s_adjust"))]
        if not self.model.adjustments:
            return [*blocks, _Para(self.w("adjust_none"))]
        blocks.append(_Para(self.w("adjust_intro")))
        for adjustment in self.model.adjustments:
            decl = adjustment.decl
            blocks.append(_Heading(3, self.w(decl.kind, label=self.label(decl.meta, decl.name))))
            amount = adjustment.amount
            said_amount = None if isinstance(amount, ast.Number) else self.formula(amount)
            if said_amount is None:
                items = [self.w(f"{decl.kind}_amount", points=_bold(self.points_of(amount)))]
            else:
                items = [self.w(f"{decl.kind}_formula", words=said_amount[0]),
                         self.w("as_written", code=_code(self.excerpt(amount)))]
            if adjustment.condition is None:
                items.append(self.w("adjust_always"))
            else:
                items += self.said("adjust_when", adjustment.condition)
            description = self.text(decl.meta, "description")
            if description:
                items.append(description)
            blocks.append(_Items(tuple((0, i) for i in items)))
            if not isinstance(amount, ast.Number):
                blocks += self.legend(amount, functions=said_amount is None)
            if adjustment.condition is not None:
                blocks += self.lets_legend([adjustment.condition])
        return blocks

    # ---------------------------------------------------------- data to prepare

    def inputs_section(self) -> list[_Block]:
        uses = self.uses()
        blocks: list[_Block] = [_Heading(2, self.w("s_inputs")), _Para(self.w("inputs_intro"))]
        for item in self.model.inputs:
            decl, spec = item.decl, item.spec
            blocks.append(_Heading(3, self.label(decl.meta, decl.name)))
            items: list[tuple[int, str]] = [(0, self.w("input_code", code=_code(decl.name)))]
            items.append((0, self.w("input_type", type=self.type_words(item))))
            for member in decl.type.members:
                label = pick_text(member.label, self.lang) or member.name
                items.append((1, self.w("option", label=label, code=_code(member.name))))
            if self.model.stages:
                stage = self.model.stages[item.stage].decl
                heading = self.w("stage_heading", number=item.stage + 1, label=self.label(stage.meta, stage.name))
                items.append((0, self.w("input_stage", stage=heading)))
            description = self.text(decl.meta, "description")
            if description:
                items.append((0, self.w("input_note", text=description)))
            if spec.has_default:
                items.append((0, self.w("input_default", value=self.default_words(item))))
            else:
                items.append((0, self.w("input_required")))
            evidence = self.text(decl.meta, "evidence")
            if evidence:
                items.append((0, self.w("input_evidence", text=evidence)))
            elif spec.kind != "text":
                items.append((0, self.w("input_no_evidence")))
            used = uses.get(decl.name, [])
            items.append((0, self.w("input_used", uses="; ".join(used)) if used else self.w("input_unused")))
            blocks.append(_Items(tuple(items)))
        return blocks

    def type_words(self, item: InputModel) -> str:
        spec = item.spec
        if spec.kind == "panel":
            parts = [self.w("type_panel", rule=self.w(f"rule_{spec.aggregate}"))]
        else:
            parts = [self.w(f"type_{spec.kind}")]
        if spec.kind in ("number", "count", "panel"):
            if spec.unit == "percent":
                parts.append(self.w("unit_percent"))
            elif spec.unit == "rupiah":
                parts.append(self.w("unit_rupiah"))
            elif spec.unit:
                parts.append(self.w("unit", unit=spec.unit))
            lower = spec.lower if not (spec.kind == "count" and spec.lower == 0) else None
            if lower is not None and spec.upper is not None:
                parts.append(self.w("between", low=self.number(lower), high=self.number(spec.upper)))
            elif lower is not None:
                parts.append(self.w("at_least", low=self.number(lower)))
            elif spec.upper is not None:
                parts.append(self.w("at_most", high=self.number(spec.upper)))
        if spec.kind in ("one_of", "set_of"):
            return parts[0]
        return ", ".join(parts)

    def default_words(self, item: InputModel) -> str:
        value = item.spec.default
        name = item.decl.name
        if isinstance(value, bool):
            return _bold(self.words["yes" if value else "no"])
        if isinstance(value, Decimal):
            return _bold(self.with_unit(value, name))
        if isinstance(value, frozenset):
            chosen = [self.member(name, m) for m in item.spec.members if m in value]
            return _bold(", ".join(chosen) if chosen else self.w("none_chosen"))
        if isinstance(value, str) and item.spec.kind == "one_of":
            return _bold(self.member(name, value))
        return f"“{value}”"

    def uses(self) -> dict[str, list[str]]:
        """For each input, where it counts: criteria (by number), gates, bonuses and penalties, through lets."""
        closure: dict[str, list[str]] = {}

        def reads(expr: ast.Expr) -> list[str]:
            found: dict[str, None] = {}
            for name in names_read(expr):
                if name in self.lets:
                    if name not in closure:
                        closure[name] = reads(self.lets[name].expr)
                    found.update(dict.fromkeys(closure[name]))
                else:
                    found[name] = None
            return list(found)

        users: dict[str, list[str]] = {}

        def note(names: Iterable[str], who: str) -> None:
            for name in names:
                if who not in users.setdefault(name, []):
                    users[name].append(who)

        for node in self.nodes:
            points = node.model.points
            if points is None:
                continue
            exprs = points_exprs(points)
            note((n for e in exprs for n in reads(e)), self.criterion_ref(node.model.decl.name))
        for gate in self.model.gates:
            note(reads(gate.condition), self.w("ref_gate", label=self.label(gate.decl.meta, gate.decl.name)))
        for adjustment in self.model.adjustments:
            decl = adjustment.decl
            exprs = [adjustment.amount] + ([adjustment.condition] if adjustment.condition is not None else [])
            note((n for e in exprs for n in reads(e)), self.w(f"ref_{decl.kind}", label=self.label(decl.meta, decl.name)))
        return users

    # ---------------------------------------------------------- sources and assumptions

    def sources(self) -> list[_Block]:
        blocks: list[_Block] = [_Heading(2, self.w("s_sources")), _Para(self.w("sources_intro"))]
        found = False
        header = self.citations(self.model.rubric.meta)
        if header:
            found = True
            blocks += [_Heading(3, self.w("sources_rubric")), _Items(tuple((0, c) for c in header))]
        groups: list[tuple[str, list[tuple[str, tuple[ast.Meta, ...]]]]] = [
            ("sources_criteria", [(self.criterion_ref(n.model.decl.name), n.model.decl.meta) for n in self.nodes]),
            ("sources_gates", [(self.label(g.decl.meta, g.decl.name), g.decl.meta) for g in self.model.gates]),
            ("sources_adjust", [(self.w(a.decl.kind, label=self.label(a.decl.meta, a.decl.name)), a.decl.meta)
                                for a in self.model.adjustments]),
            ("sources_lets", [(self.label(let.decl.meta, let.decl.name), let.decl.meta) for let in self.model.lets]),
            ("sources_inputs", [(self.label(i.decl.meta, i.decl.name), i.decl.meta) for i in self.model.inputs]),
            ("sources_stages", [(self.label(st.decl.meta, st.decl.name), st.decl.meta) for st in self.model.stages]),
        ]
        for key, members in groups:
            items: list[tuple[int, str]] = []
            for title, meta in members:
                citations = self.citations(meta)
                if citations:
                    items.append((0, title))
                    items += [(1, c) for c in citations]
            if items:
                found = True
                blocks += [_Heading(3, self.w(key)), _Items(tuple(items))]
        if not found:
            blocks.append(_Para(self.w("sources_none")))
        return blocks

    def citations(self, meta: tuple[ast.Meta, ...]) -> list[str]:
        return ([self.w("source", text=t) for t in strings(meta, "source")]
                + [self.w("assumption", text=t) for t in strings(meta, "assumption")])


_SYMBOL_ORDER = ("*", "/", "clamp", "ratio", "min", "max", "round", "count_of", "if")


def _functions(exprs: Iterable[ast.Expr]) -> set[str]:
    """Which operators and built-ins a legend should explain."""
    used: set[str] = set()

    def visit(expr: ast.Expr) -> None:
        match expr:
            case ast.Binary(op, left, right):
                if op in ("*", "/"):
                    used.add(op)
                visit(left)
                visit(right)
            case ast.Unary(_, operand):
                visit(operand)
            case ast.IfThenElse(condition, then, otherwise):
                used.add("if")
                for part in (condition, then, otherwise):
                    visit(part)
            case ast.Call(func, args):
                used.add(func)
                for part in args:
                    visit(part)

    for expr in exprs:
        visit(expr)
    return used


def _flatten(expr: ast.Expr, op: str) -> list[ast.Expr]:
    """The operands of a chain of one operator: a and (b and c) -> [a, b, c]."""
    if isinstance(expr, ast.Binary) and expr.op == op:
        return [*_flatten(expr.left, op), *_flatten(expr.right, op)]
    return [expr]


def _range_pair(pair: list[ast.Expr]) -> tuple[str, ast.BandRow] | None:
    """'x >= 20 and x < 100' as one range of x, in the form of a band row."""
    bounds: dict[str, tuple[Decimal, bool]] = {}
    names = set()
    for operand in pair:
        match operand:
            case ast.Binary(">=" | ">" | "<=" | "<" as op, ast.Name(name), ast.Number(value)):
                bounds["lower" if op in (">=", ">") else "upper"] = (value, op in (">=", "<="))
                names.add(name)
    if len(pair) != 2 or len(names) != 1 or len(bounds) != 2:
        return None
    (lower, lower_inclusive), (upper, upper_inclusive) = bounds["lower"], bounds["upper"]
    row = ast.BandRow(lower=lower, lower_inclusive=lower_inclusive, upper=upper, upper_inclusive=upper_inclusive,
                      otherwise=False, points=ast.Number(Decimal(0), span=pair[0].span), span=pair[0].span)
    return names.pop(), row


def _set_run(operands: list[ast.Expr], start: int) -> list[tuple[str, str]]:
    """(member, set) of the 'member in set' tests from `start` on that test the same set."""
    run: list[tuple[str, str]] = []
    for operand in operands[start:]:
        match operand:
            case ast.Binary("in", ast.Member(member), ast.Name(name)) if not run or run[0][1] == name:
                run.append((member, name))
                continue
        break
    return run


def _wrap(said: tuple[str, int], binding: int) -> str:
    """A part of a formula in words, in brackets when it binds less tightly than its place needs."""
    text, strength = said
    return f"({text})" if strength < binding else text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ rendering


def _markdown(blocks: list[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case _Heading(level, text):
                out.append(f"{'#' * level} {_md_inline(text)}")
            case _Para(text):
                out.append(_md_inline(text))
            case _Items(items, numbered):
                lines = []
                for index, (depth, text) in enumerate(items, 1):
                    marker = f"{index}." if numbered else "-"
                    lines.append(f"{'  ' * depth}{marker} {_md_inline(text)}")
                out.append("\n".join(lines))
            case _Table(header, rows, right):
                lines = ["| " + " | ".join(_md_inline(h, cell=True) for h in header) + " |",
                         "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
                lines += ["| " + " | ".join(_md_inline(c, cell=True) for c in row) + " |" for row in rows]
                out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _md_inline(text: str, cell: bool = False) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_md_escape(text[position:match.start()], cell))
        if match.group(1) is not None:
            out.append(_md_code(match.group(1), cell))
        else:
            out.append(f"**{_md_inline(match.group(2), cell)}**")
        position = match.end()
    out.append(_md_escape(text[position:], cell))
    return "".join(out)


_MD_SPECIAL = re.compile(r"[\\*`\[\]<]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def _md_escape(text: str, cell: bool) -> str:
    escaped = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return escaped.replace("|", "\\|") if cell else escaped


def _md_code(text: str, cell: bool) -> str:
    fence = "``" if "`" in text else "`"
    body = f" {text} " if fence == "``" else text
    code = f"{fence}{body}{fence}"
    return code.replace("|", "\\|") if cell else code


def _text(blocks: list[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case _Heading(level, text):
                plain = _plain(text)
                rule = {1: "=", 2: "-", 3: "~"}.get(level, ".")
                out.append(f"{plain}\n{rule * len(plain)}" if rule else plain)
            case _Para(text):
                out.append(_plain(text))
            case _Items(items, numbered):
                lines = []
                for index, (depth, text) in enumerate(items, 1):
                    marker = f"{index}." if numbered else "-"
                    lines.append(f"{'  ' * depth}{marker} {_plain(text)}")
                out.append("\n".join(lines))
            case _Table(header, rows, right):
                cells = [[_plain(c) for c in header], *([_plain(c) for c in row] for row in rows)]
                widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

                def line(row: list[str]) -> str:
                    return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                                     for i, (c, w) in enumerate(zip(row, widths))).rstrip()

                lines = [line(cells[0]), "  ".join("-" * w for w in widths)]
                lines += [line(r) for r in cells[1:]]
                out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _plain(text: str) -> str:
    return text.translate({ord(c): None for c in (_CODE_OPEN, _CODE_CLOSE, _BOLD_OPEN, _BOLD_CLOSE)})
