"""Settings for every test run from the project root, labs included (tests/conftest.py has the fixtures).

Every exercise check that a lab makes while strict nbval runs it proves, as it runs, that it accepts the
right answer and rejects 0, half and double (labsupport.common.audit_answer_check). The lab kernels
inherit this environment variable from the pytest process.
"""
import os

os.environ.setdefault("LABSUPPORT_AUDIT_EXERCISES", "1")
