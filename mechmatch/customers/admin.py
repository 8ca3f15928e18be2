from django.contrib import admin

from mechmatch.customers.models import CustomerProfile, Favourite, Vehicle


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "city", "region", "country")
    search_fields = ("user__email", "city")
    raw_id_fields = ("user",)


admin.site.register(Vehicle)
admin.site.register(Favourite)
