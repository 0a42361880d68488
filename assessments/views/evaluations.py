"""An evaluation's screens: the work list, starting one, its page, scoring, the workflow steps
and its evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from assessments import permissions, selectors, services
from assessments.forms import EvaluationCreateForm, EvidenceForm, ReturnForm, ScoreForm
from assessments.models import EvaluationKind, EvaluationOrigin, EvaluationStatus, Evidence
from assessments.scoring import evaluation_breakdown
from core.audit import edit_token
from core.scope import get_visible_or_404, scope_of
from stations.models import Role


def _messages_of(exc: ValidationError) -> list[str]:
    return exc.messages


class EvaluationListView(LoginRequiredMixin, ListView):
    template_name = "assessments/evaluation_list.html"
    context_object_name = "evaluations"
    paginate_by = 50

    def get_queryset(self):
        g = self.request.GET
        return selectors.evaluation_list(user=self.request.user, status=g.get("status", ""),
                                         kind=g.get("kind", ""), origin=g.get("origin", ""),
                                         q=g.get("q", "").strip())

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            counts=selectors.status_counts(user=user), statuses=EvaluationStatus.choices,
            kinds=EvaluationKind.choices, origins=EvaluationOrigin.choices, filters=self.request.GET,
            is_evaluator=bool(scope_of(user).organisation_id),
            can_create=permissions.can_create_evaluation(user), **kwargs)


class EvaluationCreateView(LoginRequiredMixin, FormView):
    template_name = "assessments/evaluation_form.html"
    form_class = EvaluationCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_evaluation(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(origin=permissions.origin_for(user), bureau=permissions.bureau_of(user),
                                        **kwargs)

    def form_valid(self, form):
        try:
            evaluation = services.evaluation_create(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已发起%(origin)s。") % {"origin": evaluation.origin_label})
        return redirect(evaluation)


class EvaluationMixin(LoginRequiredMixin):
    def get_evaluation(self):
        if not hasattr(self, "_evaluation"):
            self._evaluation = selectors.evaluation_detail(user=self.request.user, pk=self.kwargs["pk"])
        return self._evaluation


class EvaluationDetailView(EvaluationMixin, TemplateView):
    template_name = "assessments/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        user, evaluation = self.request.user, self.get_evaluation()
        result = evaluation_breakdown(evaluation)
        chart = {"labels": [d.name for d in result.dimensions], "values": [float(d.percent) for d in result.dimensions],
                 "label": _("得分率（%）")}
        return super().get_context_data(
            evaluation=evaluation, result=result, chart=chart,
            installments=selectors.contract_installments(user=user, evaluation=evaluation),
            can_score=permissions.can_score_evaluation(user, evaluation),
            can_finalise=permissions.can_finalise_evaluation(user, evaluation),
            can_return=permissions.can_return_evaluation(user, evaluation),
            evidence_form=EvidenceForm(), return_form=ReturnForm(),
            can_upload=permissions.can_add_evidence(user, evaluation),
            **kwargs)


class EvaluationScoreView(EvaluationMixin, FormView):
    template_name = "assessments/evaluation_score.html"
    form_class = ScoreForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_score_evaluation(request.user, self.get_evaluation()):
            messages.error(request, _("该评估当前不能由您评分。"))
            return redirect(self.get_evaluation())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["breakdown"] = evaluation_breakdown(self.get_evaluation())
        kwargs["initial"] = {"comments": self.get_evaluation().comments, "edit_token": edit_token(self.get_evaluation())}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(evaluation=self.get_evaluation(), **kwargs)

    def form_valid(self, form):
        evaluation, user = self.get_evaluation(), self.request.user
        try:
            services.evaluation_save_scores(actor=user, evaluation=evaluation, scores=form.scores(),
                                            comments=form.cleaned_data["comments"],
                                            expected_token=form.cleaned_data["edit_token"] or None)
            if "submit" in self.request.POST:
                services.evaluation_submit(actor=user, evaluation=evaluation)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        if "submit" in self.request.POST:
            messages.success(self.request, submitted_message(evaluation))
            return redirect(evaluation)
        messages.success(self.request, _("评分已保存。"))
        return redirect("assessments:evaluation-score", pk=evaluation.pk)


def submitted_message(evaluation) -> str:
    """Who confirms it next: the bureau that started it."""
    return _("评分已提交，等待%(bureau)s确认。") % {"bureau": Role(evaluation.origin.value).label}


class _TransitionView(EvaluationMixin, View):
    """A workflow step. Refused steps (not allowed, or not now) change nothing and come back to the
    evaluation's page with the service's message."""

    success_message = ""

    def post(self, request, *args, **kwargs):
        evaluation = self.get_evaluation()
        try:
            self.apply(request, evaluation)
        except (ValidationError, PermissionDenied) as exc:
            for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, message)
        else:
            messages.success(request, self.get_success_message(evaluation))
        return redirect(evaluation)

    def get_success_message(self, evaluation) -> str:
        return self.success_message


class EvaluationSubmitView(_TransitionView):
    def apply(self, request, evaluation):
        services.evaluation_submit(actor=request.user, evaluation=evaluation)

    def get_success_message(self, evaluation) -> str:
        return submitted_message(evaluation)


class EvaluationFinaliseView(_TransitionView):
    success_message = _("评估结果已确认，相关付款、续签或验收结果已同步更新。")

    def apply(self, request, evaluation):
        services.evaluation_finalise(actor=request.user, evaluation=evaluation)

    def get_success_message(self, evaluation) -> str:
        if evaluation.is_spot_check:
            return _("评估结果已确认。抽查结果记入合同的评估记录，不触发付款、续签或验收。")
        return self.success_message


class EvaluationReturnView(_TransitionView):
    success_message = _("评估已退回评分方。")

    def apply(self, request, evaluation):
        form = ReturnForm(request.POST)
        if not form.is_valid() and permissions.can_return_evaluation(request.user, evaluation):
            raise ValidationError(_("请填写退回原因。"))
        # Someone who may not return it hears why from the service, whatever the form says.
        services.evaluation_return(actor=request.user, evaluation=evaluation,
                                   reason=form.cleaned_data.get("reason", ""))


class EvidenceCreateView(_TransitionView):
    success_message = _("附件已上传。")

    def apply(self, request, evaluation):
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.evidence_add(actor=request.user, evaluation=evaluation, file=form.cleaned_data["file"],
                              title=form.cleaned_data["title"])


class EvidenceDownloadView(LoginRequiredMixin, View):
    """Evidence is served only to users who may see its evaluation."""

    def get(self, request, pk):
        evidence = get_visible_or_404(Evidence, request.user, pk=pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=evidence.filename)


evaluation_list_view = EvaluationListView.as_view()
evaluation_create_view = EvaluationCreateView.as_view()
evaluation_detail_view = EvaluationDetailView.as_view()
evaluation_score_view = EvaluationScoreView.as_view()
evaluation_submit_view = EvaluationSubmitView.as_view()
evaluation_finalise_view = EvaluationFinaliseView.as_view()
evaluation_return_view = EvaluationReturnView.as_view()
evidence_create_view = EvidenceCreateView.as_view()
evidence_download_view = EvidenceDownloadView.as_view()
