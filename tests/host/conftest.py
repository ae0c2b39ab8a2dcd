# SPDX-License-Identifier: Apache-2.0
"""bhcfg fixtures live in bhcfg_support (a plain module, so tests can import
its helpers without clashing with other directories' conftest modules)."""
from bhcfg_support import *  # noqa: F401,F403
