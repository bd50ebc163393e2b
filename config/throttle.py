"""Login throttling: django-axes' database handler with a second, higher limit per address.

Axes counts failures for each of AXES_LOCKOUT_PARAMETERS but compares them all with one
AXES_FAILURE_LIMIT. Standoff wants two: a few guesses at one account from one address, and
more (an office behind one NAT mistypes too) across every username from one address, which
stops a guesser who tries one password on many accounts.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Expects AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = self.get_user_attempts(request, credentials)
        # Scaled so that reaching AXES_IP_FAILURE_LIMIT at one address counts as reaching
        # AXES_FAILURE_LIMIT: floor(n * a / b) >= a exactly when n >= b.
        scaled = _failures(per_address) * settings.AXES_FAILURE_LIMIT // settings.AXES_IP_FAILURE_LIMIT
        return max(_failures(per_account), scaled)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A good login clears that account's failures only: otherwise a guesser with an
        # account of their own could sign in now and then to clear the address's count.
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_account.delete()
        return count
