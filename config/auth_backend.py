"""Signing in by username and password, as Django's own backend does; the user of each request is
read with their region, station and the station's region, which every page's scope needs, in the same
query."""

from django.contrib.auth.backends import ModelBackend, UserModel


class UserWithScopeBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("region", "station__region").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
