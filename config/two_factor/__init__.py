"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP) or a single-use
recovery code, both kept by django-otp.

``rules``: who must give one. ``steps``: where a signed-in user still owes one is sent.
``services``: enrolment, verification, recovery codes and an administrator's reset, each audited
on :class:`config.models.SecondFactor`. ``middleware``: sends an unverified user to the step
before any other page. ``views``/``urls``: the pages. ``admin``: the device admins, for
superusers only, and the reset action.
"""
