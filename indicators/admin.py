from django.contrib import admin

from indicators.models import DailyRate, PaymentAgreement


@admin.register(PaymentAgreement)
class PaymentAgreementAdmin(admin.ModelAdmin):
    list_display = [
        "model",
        "region",
        "valid_from",
        "valid_to",
        "free_days",
        "average_limit",
        "individual_after_days",
    ]
    list_filter = ["model", "region"]


@admin.register(DailyRate)
class DailyRateAdmin(admin.ModelAdmin):
    list_display = ["amount", "region", "valid_from", "valid_to", "confidence", "source"]
    list_filter = ["confidence", "region"]
