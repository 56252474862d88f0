# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_digital_link import (
    DigitalLinkError,
    build_digital_link,
    build_unit_uri,
    gs1_check_digit,
    looks_like_digital_link,
    normalize_gtin,
    parse_digital_link,
    parse_unit_path,
    valid_gln,
)
from odoo.addons.serial_tracking.tools.serial_epcis import (
    EPCIS_EVENT_MAPPING,
    EPCIS_LEFT_OUT_EVENTS,
    document_chunks,
    epcis_mapping,
    event_time,
    location_uri,
    party_uri,
    private_urn,
)
from odoo.addons.serial_tracking.tools.serial_rules import HISTORY_EVENT_TYPES

PROPERTY = settings(max_examples=200, deadline=None, database=None)
GTIN = "09506000134352"
# GS1's AI encodable character set 82, which AI 21 serials are drawn from
CHARSET_82 = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz"
)


class TestGtin(BaseCase):
    def test_normalisation_and_check_digit(self):
        for barcode, expected in (
            ("9506000134352", GTIN),  # EAN-13
            (GTIN, GTIN),
            ("036000291452", "00036000291452"),  # UPC-A
            ("96385074", "00000096385074"),  # EAN-8
            (" 9506000134352 ", GTIN),
            ("9506000134353", None),  # wrong check digit
            ("950600013435", None),  # 12 digits, wrong check digit
            ("12345", None),
            ("ABC0000000000", None),
            ("", None),
            (None, None),
        ):
            with self.subTest(barcode=barcode):
                self.assertEqual(normalize_gtin(barcode), expected)

    @PROPERTY
    @given(st.text(alphabet="0123456789", min_size=7, max_size=13))
    def test_any_key_with_its_check_digit_is_a_gtin(self, digits):
        key = digits + gs1_check_digit(digits)
        if len(key) in (8, 12, 13, 14):
            self.assertEqual(normalize_gtin(key), key.zfill(14))
            wrong = digits + str((int(key[-1]) + 1) % 10)
            self.assertIsNone(normalize_gtin(wrong))
        else:
            self.assertIsNone(normalize_gtin(key))

    def test_gln(self):
        self.assertTrue(valid_gln("9506000000008"))
        self.assertFalse(valid_gln("9506000000009"))
        self.assertFalse(valid_gln("950600000000"))
        self.assertFalse(valid_gln(False))


class TestDigitalLink(BaseCase):
    def test_build(self):
        self.assertEqual(
            build_digital_link("https://shop.example.com/", "9506000134352", "SN-1"),
            f"https://shop.example.com/01/{GTIN}/21/SN-1",
        )
        # outside the URI's unreserved characters: percent-encoded UTF-8
        self.assertEqual(
            build_digital_link("https://x.example", GTIN, "A/B 1+é"),
            f"https://x.example/01/{GTIN}/21/A%2FB%201%2B%C3%A9",
        )
        self.assertEqual(
            build_digital_link(None, GTIN, "S"), f"https://id.gs1.org/01/{GTIN}/21/S"
        )
        self.assertIsNone(build_digital_link("https://x", "9506000134353", "S"))
        self.assertIsNone(build_digital_link("https://x", GTIN, ""))

    def test_parse_any_domain_with_qualifiers_and_query(self):
        parsed = parse_digital_link(
            "https://brand.example/products/01/9506000134352/22/2A/10/L7/21/"
            "SN%2F9?linkType=gs1:warrantyInfo&17=261231"
        )
        self.assertEqual(parsed["gtin"], GTIN)
        self.assertEqual(parsed["serial"], "SN/9")
        self.assertEqual(parsed["qualifiers"], {"22": "2A", "10": "L7"})
        self.assertEqual(
            parsed["params"], {"linkType": "gs1:warrantyInfo", "17": "261231"}
        )
        # GS1's short names, and a prefix holding a "01" of its own
        self.assertEqual(
            parse_digital_link(f"http://x.example/01/gtin/{GTIN}/ser/S1")["serial"],
            "S1",
        )
        self.assertIsNone(parse_digital_link(f"https://id.gs1.org/01/{GTIN}")["serial"])

    def test_parse_refusals(self):
        for uri, code in (
            ("ftp://x/01/09506000134352/21/S", "not_a_link"),
            ("SN-0001", "not_a_link"),
            ("https://x.example/shop/item/9", "no_gtin"),
            ("https://x.example/01/09506000134353/21/S", "bad_gtin"),
            (f"https://x.example/01/{GTIN}/99/X/21/S", "bad_path"),
            (f"https://x.example/01/{GTIN}/21/S/21/T", "bad_path"),
        ):
            with self.subTest(uri=uri):
                with self.assertRaises(DigitalLinkError) as caught:
                    parse_digital_link(uri)
                self.assertEqual(caught.exception.code, code)

    def test_what_is_taken_for_a_digital_link(self):
        self.assertTrue(looks_like_digital_link(f"https://a.b/01/{GTIN}/21/S"))
        self.assertTrue(looks_like_digital_link(f" HTTPS://a.b/gtin/{GTIN} "))
        self.assertFalse(looks_like_digital_link(f"(01){GTIN}(21)S"))
        self.assertFalse(looks_like_digital_link("https://a.b/serial/01x"))
        # a wrong check digit is still a link (its problem is reported)
        self.assertTrue(looks_like_digital_link("https://a.b/01/09506000134353/21/S"))
        # a "01" segment without the digits of a GTIN after it is no link
        for uri in (
            "https://example.com/2024/01/a",
            "https://example.com/2024/01/15",
            "https://example.com/01/",
            "https://example.com/gtin/ABC/21/S",
            "https://[broken/01/09506000134352",
        ):
            with self.subTest(uri=uri):
                self.assertFalse(looks_like_digital_link(uri))

    def test_unit_uri_without_gtin(self):
        uri = build_unit_uri("https://shop.example.com/", 42, "A/B 1,2")
        self.assertEqual(
            uri, "https://shop.example.com/serial_tracking/unit/42/A%2FB%201%2C2"
        )
        self.assertEqual(parse_unit_path(uri.split(".com", 1)[1]), (42, "A/B 1,2"))
        # a server that decoded %2F: the serial is the rest of the path
        self.assertEqual(parse_unit_path("/serial_tracking/unit/42/A/B"), (42, "A/B"))
        for path in (
            "/serial_tracking/unit/42/",
            "/serial_tracking/unit/x/S",
            "/serial_tracking/unit/42",
            "/other/42/S",
        ):
            with (
                self.subTest(path=path),
                self.assertRaises(DigitalLinkError) as caught,
            ):
                parse_unit_path(path)
            self.assertEqual(caught.exception.code, "bad_path")

    @PROPERTY
    @given(
        serial=st.text(min_size=1, max_size=20),
        product_id=st.integers(min_value=1, max_value=10**9),
    )
    def test_unit_uri_is_read_back(self, serial, product_id):
        uri = build_unit_uri("https://e.example/odoo", product_id, serial)
        path = uri.removeprefix("https://e.example/odoo")
        self.assertRegex(
            path.rsplit("/", 1)[1], r"^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$"
        )
        self.assertEqual(parse_unit_path(path), (product_id, serial))

    @PROPERTY
    @given(
        serial=st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s)
        | st.text(alphabet=CHARSET_82, min_size=1, max_size=20),
        prefix=st.sampled_from(["", "/p", "/01/x/y", "/p/01/x"]),
    )
    def test_what_is_built_is_read_back(self, serial, prefix):
        uri = build_digital_link(f"https://e.example{prefix}", GTIN, serial)
        self.assertTrue(looks_like_digital_link(uri))
        path = uri.split("/21/", 1)[1]
        # only unreserved characters and percent escapes in the serial segment
        self.assertRegex(path, r"^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$")
        parsed = parse_digital_link(uri)
        self.assertEqual((parsed["gtin"], parsed["serial"]), (GTIN, serial))


class TestEpcisTools(BaseCase):
    def test_every_history_event_has_a_mapping(self):
        # or is left out of the export on purpose, never both
        self.assertEqual(EPCIS_LEFT_OUT_EVENTS, ("ANNOUNCE",))
        for event_type, _label in HISTORY_EVENT_TYPES:
            with self.subTest(event=event_type):
                self.assertNotEqual(
                    event_type in EPCIS_EVENT_MAPPING,
                    event_type in EPCIS_LEFT_OUT_EVENTS,
                )
        self.assertEqual(
            epcis_mapping("ADJUST", leaves_stock=True),
            ("DELETE", "decommissioning", "inactive"),
        )
        self.assertEqual(
            epcis_mapping("ADJUST")[1], "cycle_counting"
        )  # found at a count

    def test_event_time_in_the_company_time_zone(self):
        moment = datetime(2026, 7, 1, 8, 30)
        self.assertEqual(
            event_time(moment, "Europe/Brussels"),
            ("2026-07-01T10:30:00.000+02:00", "+02:00"),
        )
        self.assertEqual(
            event_time(moment, "America/St_Johns"),
            ("2026-07-01T06:00:00.000-02:30", "-02:30"),
        )
        self.assertEqual(event_time(moment, "Nowhere/Else")[1], "+00:00")
        self.assertEqual(event_time(moment, False)[1], "+00:00")

    def test_identifiers(self):
        self.assertEqual(
            location_uri("9506000000008", 17),
            "https://id.gs1.org/414/9506000000008/254/17",
        )
        self.assertIsNone(location_uri("123"))
        self.assertEqual(
            party_uri("9506000000008"), "https://id.gs1.org/417/9506000000008"
        )
        self.assertEqual(
            private_urn("db-1", "document", "account.move", 7, "INV/2026/1"),
            "urn:x-serial-tracking:db-1:document:account.move:7:INV%2F2026%2F1",
        )

    @PROPERTY
    @given(
        st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5)), max_size=5)
    )
    def test_document_written_piece_by_piece_is_one_json_document(self, events):
        pieces = document_chunks(iter(events), "2026-01-01T00:00:00Z", {"sender": "x"})
        document = json.loads("".join(pieces))
        self.assertEqual(document["type"], "EPCISDocument")
        self.assertEqual(document["schemaVersion"], "2.0")
        self.assertEqual(document["sender"], "x")
        self.assertEqual(document["epcisBody"]["eventList"], events)
