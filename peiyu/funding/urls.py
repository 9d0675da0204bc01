from django.urls import path

from peiyu.funding.views import applications, catalog, contracts, needs, reviews, rounds, subsidies

app_name = "funding"

urlpatterns = [
    # Needs (群众需求)
    path("needs/", needs.need_list, name="need-list"),
    path("needs/new/", needs.need_create, name="need-create"),
    path("needs/coverage/", needs.need_coverage, name="need-coverage"),
    path("needs/<int:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<int:pk>/decide/", needs.need_decide, name="need-decide"),
    path("needs/<int:pk>/merge/", needs.need_merge, name="need-merge"),
    # The procurement catalog and the project library
    path("catalog/", catalog.catalog_list, name="catalog-list"),
    path("catalog/new/", catalog.catalog_create, name="catalog-create"),
    path("catalog/<int:pk>/", catalog.catalog_detail, name="catalog-detail"),
    path("catalog/<int:pk>/edit/", catalog.catalog_edit, name="catalog-edit"),
    path("catalog/<int:pk>/status/", catalog.catalog_status, name="catalog-status"),
    path("projects/", catalog.project_list, name="project-list"),
    path("projects/new/", catalog.project_create, name="project-create"),
    path("projects/<int:pk>/", catalog.project_detail, name="project-detail"),
    path("projects/<int:pk>/decide/", catalog.project_decide, name="project-decide"),
    # Rounds
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/scope/", rounds.round_scope, name="round-scope"),
    path("rounds/<int:pk>/sources/", rounds.round_sources, name="round-sources"),
    path("rounds/<int:pk>/rubric/", rounds.round_rubric, name="round-rubric"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round-open"),
    path("rounds/<int:pk>/review/", rounds.round_start_review, name="round-start-review"),
    path("rounds/<int:pk>/draw/", rounds.round_draw, name="round-draw"),
    path("draws/<int:pk>/", rounds.draw_detail, name="draw-detail"),
    path("rounds/<int:pk>/ranking/", rounds.round_ranking, name="round-ranking"),
    path("rounds/<int:pk>/select/", rounds.round_select, name="round-select"),
    path("rounds/<int:pk>/notice/", rounds.round_notice, name="round-notice"),
    path("rounds/<int:pk>/objections/", rounds.objection_list, name="objection-list"),
    path("objections/<int:pk>/answer/", rounds.objection_answer, name="objection-answer"),
    path("rounds/<int:pk>/conclude/", rounds.round_conclude, name="round-conclude"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round-close"),
    path("rounds/<int:pk>/grants.xlsx", subsidies.grants_xlsx, name="round-grants-xlsx"),
    path("rounds/<int:pk>/360giving.json", subsidies.grants_360giving, name="round-360giving"),
    path("grants.xlsx", subsidies.grants_xlsx, name="grants-xlsx"),
    path("360giving.json", subsidies.grants_360giving, name="grants-360giving"),
    # Applications (申报)
    path("applications/", applications.application_list, name="application-list"),
    path("rounds/<int:pk>/apply/", applications.application_create, name="application-create"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application-submit"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/outline/", applications.application_outline, name="application-outline"),
    path("applications/<int:pk>/recheck/", applications.application_recheck, name="application-recheck"),
    path("applications/<int:pk>/defense/", applications.application_defense, name="application-defense"),
    path("applications/<int:pk>/override/", applications.application_override, name="application-override"),
    # Expert review
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:pk>/declare/", reviews.review_declare, name="review-declare"),
    path("reviews/<int:pk>/score/", reviews.review_score, name="review-score"),
    # Contracts, tranches, evaluations, reports
    path("contracts/", contracts.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/sign/", contracts.contract_sign, name="contract-sign"),
    path("contracts/<int:pk>/contract.docx", contracts.contract_document, name="contract-document"),
    path("contracts/<int:pk>/feedback-qr.svg", contracts.contract_qr, name="contract-qr"),
    path("contracts/<int:pk>/evaluate/", contracts.contract_evaluate, name="contract-evaluate"),
    path("contracts/<int:pk>/report/", contracts.contract_report, name="contract-report"),
    path("contracts/<int:pk>/publish/", contracts.contract_publish, name="contract-publish"),
    path("tranches/<int:pk>/pay/", contracts.tranche_pay, name="tranche-pay"),
    # Per-case mediation subsidies
    path("case-subsidies/", subsidies.case_subsidy_list, name="case-subsidy-list"),
    path("case-subsidies/new/", subsidies.case_subsidy_create, name="case-subsidy-create"),
    path("case-subsidies/<int:pk>/pay/", subsidies.case_subsidy_pay, name="case-subsidy-pay"),
    path("case-subsidies/<int:pk>/cancel/", subsidies.case_subsidy_cancel, name="case-subsidy-cancel"),
]
