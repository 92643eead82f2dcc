from dataclasses import dataclass, field


@dataclass
class PlanGroup:
    plan: object  # a Plan, or None for what belongs to no plan
    project: object
    items: list = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.plan is not None:
            return self.plan.title
        return self.project.name if self.project is not None else "Other"


def group_by_plan(notifications) -> list[PlanGroup]:
    """Notifications (newest first) grouped by plan; groups in order of their newest entry."""
    groups: dict[object, PlanGroup] = {}
    for notification in notifications:
        key = notification.plan_id or ("project", notification.project_id)
        if key not in groups:
            groups[key] = PlanGroup(notification.plan, notification.project)
        groups[key].items.append(notification)
    return list(groups.values())
