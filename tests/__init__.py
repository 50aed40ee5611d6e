"""The test suite as a package, so its shared helpers import as `tests.helpers` (not by bare
module name, which depends on pytest's sys.path handling and on which file is collected first)."""
