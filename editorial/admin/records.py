"""Admin for records that are only ever added by the application (decision
logs, import records): everyone with access may read them, nobody, superusers
included, may add, change or delete them by hand."""


class KeptRecordAdminMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
