import unittest

from vcfkit.parser import parse_info, parse_record


class ParserTest(unittest.TestCase):
    def test_info(self):
        self.assertEqual(parse_info("DP=10;DB"), {"DP": "10", "DB": True})

    def test_record(self):
        rec = parse_record("1\t100\t.\tA\tG\t50\tPASS\tDP=3\n")
        self.assertTrue(rec.is_snp())
        self.assertEquals(rec.pos, 100)


if __name__ == "__main__":
    unittest.main()
