from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "scrutiny.retention"
    label = "retention"
    verbose_name = "Retention"
