"""Pages for the strategy and delivery plan, and for the review register.

- Delivery plans: commissioners and performance leads (and admins) keep them; committee members
  and clerks read them. Each commitment shows its RAG, its milestones (actions, in the tracker
  with the rest) and the dashboard figure that measures it (`scrutiny/plans.py`).
- Reviews: the register and its recommendations are for performance leads, commissioners and
  admins only, and each review page they open is audited. Committee members and clerks see the
  summary page: counts by status, through disclosure control (`metrics.review_summary`).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from partnership.disclosure import Disclosure
from partnership.forms import save_and_redirect
from partnership.permissions import role_required

from . import selectors, services, services_plans
from .constants import (
    PLAN_EDITOR_ROLES,
    PLAN_READER_ROLES,
    RAG_DESCRIPTIONS,
    REVIEW_ROLES,
    REVIEW_SUMMARY_ROLES,
    Rag,
    ReviewStatus,
)
from .forms_plans import (
    REVIEW_WARNING,
    CommitmentForm,
    MilestoneForm,
    RecommendationForm,
    ReviewForm,
    StrategyForm,
    ThemeForm,
)
from .metrics import review_summary
from .plans import plan_progress
from .views import _form_page

plan_readers_required = role_required(*PLAN_READER_ROLES)
plan_editors_required = role_required(*PLAN_EDITOR_ROLES)
review_readers_required = role_required(*REVIEW_ROLES)
review_summary_required = role_required(*REVIEW_SUMMARY_ROLES)


def _today():
    return timezone.localdate()


def _initial(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


# Strategies and their delivery plans ------------------------------------------------------------


@plan_readers_required
def strategy_list(request):
    return render(
        request,
        "scrutiny/strategy_list.html",
        {
            "strategies": selectors.strategies_for_user(request.user),
            "may_edit": request.user.has_role(*PLAN_EDITOR_ROLES),
        },
    )


@plan_readers_required
def strategy_detail(request, pk):
    strategy = selectors.get_strategy_for_user(request.user, pk)
    return render(
        request,
        "scrutiny/strategy_detail.html",
        {
            "strategy": strategy,
            "progress": plan_progress(strategy, today=_today()),
            "may_edit": request.user.has_role(*PLAN_EDITOR_ROLES),
            "rag_descriptions": [(Rag(rag), text) for rag, text in RAG_DESCRIPTIONS.items()],
        },
    )


@plan_editors_required
def strategy_create(request):
    form = StrategyForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.strategy_create(by=request.user, request=request, **data),
        success="Strategy added. Now add its themes.",
    )
    return saved or _form_page(
        request, form, title="Add a strategy", back_url="scrutiny:strategy_list"
    )


@plan_editors_required
def strategy_edit(request, pk):
    strategy = selectors.get_strategy_for_user(request.user, pk)
    form = StrategyForm(
        request.POST or None, initial=_initial(strategy, services_plans.STRATEGY_FIELDS)
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.strategy_update(
            by=request.user, strategy=strategy, request=request, **data
        ),
        success="Strategy saved.",
    )
    return saved or _form_page(
        request, form, title="Change the strategy", caption=str(strategy), back_url=strategy
    )


@plan_editors_required
def theme_create(request, strategy_pk):
    strategy = selectors.get_strategy_for_user(request.user, strategy_pk)
    form = ThemeForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.theme_create(
            by=request.user, strategy=strategy, request=request, **data
        ),
        success=lambda theme: f"Theme {theme.position} added.",
        to=strategy,
    )
    return saved or _form_page(
        request, form, title="Add a theme", caption=str(strategy), back_url=strategy
    )


@plan_editors_required
def theme_edit(request, pk):
    theme = selectors.get_theme_for_user(request.user, pk)
    form = ThemeForm(request.POST or None, initial=_initial(theme, services_plans.THEME_FIELDS))
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.theme_update(
            by=request.user, theme=theme, request=request, **data
        ),
        success="Theme saved.",
        to=theme.strategy,
    )
    return saved or _form_page(
        request, form, title="Change the theme", caption=str(theme), back_url=theme.strategy
    )


@plan_editors_required
def commitment_create(request, theme_pk):
    theme = selectors.get_theme_for_user(request.user, theme_pk)
    form = CommitmentForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.commitment_create(
            by=request.user, theme=theme, request=request, **data
        ),
        success=lambda commitment: (
            f"Commitment {commitment.reference} added. Now add its milestones."
        ),
    )
    return saved or _form_page(
        request,
        form,
        title="Add a commitment",
        caption=f"{theme.strategy}: {theme}",
        back_url=theme.strategy,
    )


@plan_readers_required
def commitment_detail(request, pk):
    commitment = selectors.get_commitment_for_user(request.user, pk)
    progress = plan_progress(commitment.theme.strategy, today=_today())
    entry = next(e for e in progress.commitments if e.commitment.pk == commitment.pk)
    return render(
        request,
        "scrutiny/commitment_detail.html",
        {
            "commitment": commitment,
            "entry": entry,
            "strategy": commitment.theme.strategy,
            "may_edit": request.user.has_role(*PLAN_EDITOR_ROLES),
            "rag_descriptions": [(Rag(rag), text) for rag, text in RAG_DESCRIPTIONS.items()],
        },
    )


@plan_editors_required
def commitment_edit(request, pk):
    commitment = selectors.get_commitment_for_user(request.user, pk)
    form = CommitmentForm(
        request.POST or None, initial=_initial(commitment, services_plans.COMMITMENT_FIELDS)
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.commitment_update(
            by=request.user, commitment=commitment, request=request, **data
        ),
        success="Commitment saved.",
    )
    return saved or _form_page(
        request, form, title="Change the commitment", caption=str(commitment), back_url=commitment
    )


@plan_editors_required
def milestone_create(request, commitment_pk):
    commitment = selectors.get_commitment_for_user(request.user, commitment_pk)
    form = MilestoneForm(
        request.POST or None, initial={"owner": commitment.owner, "priority": "medium"}
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_create(
            by=request.user, commitment=commitment, request=request, **data
        ),
        success=lambda action: f"Milestone {action.reference} added.",
        to=commitment,
    )
    return saved or _form_page(
        request,
        form,
        title="Add a milestone",
        caption=str(commitment),
        back_url=commitment,
        intro="A milestone is tracked as an action: its owner adds updates and completes it "
        "with evidence, and it appears in the action tracker with its RAG. The commitment's "
        "RAG is the worst of its milestones'.",
    )


# The review register ----------------------------------------------------------------------------


@review_readers_required
def review_list(request):
    return render(
        request,
        "scrutiny/review_list.html",
        {"reviews": selectors.reviews_for_user(request.user), "warning": REVIEW_WARNING},
    )


@review_readers_required
def review_create(request):
    form = ReviewForm(request.POST or None, initial={"status": ReviewStatus.COMMISSIONED})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.review_create(by=request.user, request=request, **data),
        success=lambda review: f"Review {review.reference} added.",
    )
    return saved or _form_page(
        request,
        form,
        title="Add a review to the register",
        back_url="scrutiny:review_list",
        intro=REVIEW_WARNING,
    )


@review_readers_required
def review_detail(request, pk):
    review = selectors.get_review_for_user(request.user, pk)
    services_plans.review_record_view(by=request.user, review=review, request=request)
    recommendations = selectors.review_recommendations_for_user(
        request.user, review, today=_today()
    )
    return render(
        request,
        "scrutiny/review_detail.html",
        {"review": review, "recommendations": recommendations, "warning": REVIEW_WARNING},
    )


@review_readers_required
def review_edit(request, pk):
    review = selectors.get_review_for_user(request.user, pk)
    form = ReviewForm(request.POST or None, initial=_initial(review, services_plans.REVIEW_FIELDS))
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_plans.review_update(
            by=request.user, review=review, request=request, **data
        ),
        success="Review saved.",
    )
    return saved or _form_page(
        request,
        form,
        title="Change the review",
        caption=review.reference,
        back_url=review,
        intro=REVIEW_WARNING,
    )


@review_readers_required
def recommendation_create(request, review_pk):
    review = selectors.get_review_for_user(request.user, review_pk)
    form = RecommendationForm(request.POST or None, initial={"priority": "medium"})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_create(
            by=request.user, review=review, request=request, **data
        ),
        success=lambda action: f"Recommendation {action.reference} added.",
        to=review,
    )
    return saved or _form_page(
        request,
        form,
        title="Add a recommendation",
        caption=review.reference,
        back_url=review,
        intro="Each recommendation is tracked as an action, with the agency it is made to. "
        + REVIEW_WARNING,
    )


@review_summary_required
def review_summary_page(request):
    """Counts only: exact for those who read the register, disclosed for everyone else."""
    exact = request.user.has_role(*REVIEW_ROLES)
    summary = review_summary(today=_today(), disclosure=Disclosure(exact=exact))
    return render(
        request,
        "scrutiny/review_summary.html",
        {
            "summary": summary,
            "review_rows": [
                (ReviewStatus(status).label, cell) for status, cell in summary.reviews.items.items()
            ],
            "recommendation_rows": [
                (Rag(rag).label, cell) for rag, cell in summary.recommendations.items.items()
            ],
            "may_read_register": exact,
            "threshold": settings.DISCLOSURE_THRESHOLD,
        },
    )
