from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "planhub.projects"
    label = "projects"
