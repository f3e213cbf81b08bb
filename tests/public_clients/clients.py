"""Two public clients, unchanged, against the sessionconf reference servers.

Usage: clients.py VEEAM_EM_BASE COMMVAULT_WEB_SERVICE
  VEEAM_EM_BASE          e.g. http://127.0.0.1:40001   (the client appends /api)
  COMMVAULT_WEB_SERVICE  e.g. http://127.0.0.1:40002/webconsole/api
Credentials come from SESSIONCONF_USER and friends, as for the suite.
"""

import os
import sys

from veeam_em.manager import VeeamEm
from veeam_em.exceptions import VeeamEmError
from cvpysdk.commcell import Commcell


def env(name, default):
    return os.environ.get(name) or default


USER = env("SESSIONCONF_USER", "Administrator")
PASSWORD = env("SESSIONCONF_PASSWORD", "Adm1n-Secret")
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def veeam_em(base):
    em = VeeamEm(api_endpoint=base, ssl_verify=False, timeout=10)
    token = em.get_token(USER, PASSWORD)
    check(bool(token), "veeam-em: get_token logs on over JSON and returns the token")
    session_id = em.session_data.get("SessionId")
    check(bool(session_id), "veeam-em: the logon body holds SessionId")
    sessions = em.get_logon_sessions()
    check(any(s.get("SessionId") == session_id for s in sessions), "veeam-em: get_logon_sessions lists its own session")
    own = em.get_logon_session(session_id)
    check(own.get("SessionId") == session_id, "veeam-em: get_logon_session reads it back")
    deleted = em.request(f"/logonSessions/{session_id}", method=VeeamEm.DELETE)
    check(deleted.get("status") == 204, "veeam-em: DELETE of its own session answers 204")
    try:
        em.get_logon_sessions()
        check(False, "veeam-em: the ended token is refused")
    except (VeeamEmError, Exception) as error:  # the client raises on 401
        check("401" in str(error) or "Message" in str(error), "veeam-em: the ended token is refused")
    # Nothing left behind: a fresh session sees only itself.
    probe = VeeamEm(api_endpoint=base, ssl_verify=False, timeout=10)
    probe.get_token(USER, PASSWORD)
    left = probe.get_logon_sessions()
    check(len(left) == 1, f"veeam-em: no session left behind ({len(left)} listed)")
    probe.request(f"/logonSessions/{probe.session_data['SessionId']}", method=VeeamEm.DELETE)


def commvault(web_service):
    host = web_service.split("//", 1)[1].split("/", 1)[0]
    commcell = Commcell(host, USER, PASSWORD, web_service_url=web_service, verify_ssl=False)
    token = commcell._headers.get("Authtoken") or ""
    check(token.startswith("QSDK "), "cvpysdk: Commcell(...) logs on and keeps a QSDK token")
    output = commcell.logout()
    check(output == "User logged out", f"cvpysdk: logout() logs off ({output!r})")


def main():
    veeam_em(sys.argv[1])
    commvault(sys.argv[2])
    print(f"{len(failures)} failed" if failures else "both public clients work against the reference servers")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
