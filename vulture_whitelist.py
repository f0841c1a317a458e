"""Names vulture reports as unused that are used where it cannot look (see [tool.vulture] in
pyproject.toml for the decorators and names it ignores wholesale). By name only, so that a move
between modules keeps them covered."""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Read only by the templates (uprest/templates), which vulture does not read.
_.accept_privacy  # the consent box of the join and account forms, rendered and validated
_.lesson_text
_.is_untranslated
_.title_completeness
_.is_limited
_.share_correct
_.completion_rate
_.passed_attempts
_.average_best_score
_.rate
_.counted_until
_.has_catalogue
_.y  # reports.charts rows and bars
_.zero_x
_.margin
_.retrying  # xapi.forwarder's OutboxState
_.last_success_at
_.last_error_at

# Columns and fields written by keyword (Model(x=…), INSERT … SELECT) and read by SQL or tests;
# members reached by value.
_.metadata  # the declarative base's naming convention
_.published_by_id
_.uploaded_by_id
_.area_id
_.created_by_id
_.required_sum  # surveys' gap cells
_.current_sum
_.gap_sum
_.importance_sum
_.importance_count
_.required_1
_.required_2
_.required_3
_.required_4
_.required_5
_.SELF  # Part("self")
_.units  # GapScore fields
_.mean_deficit

# Attributes third-party objects read: Flask-Login, Werkzeug, SQLAlchemy, WTForms, openpyxl.
_.get_id
_.login_view
_.login_message
_.login_message_category
_.session_protection
_.max_content_length
_.isolation_level
_.widget
_.option_widget
_.font
_.number_format
_.freeze_panes

# Used by the tests (and documented in README.md) but not by the app itself.
_.TestConfig
_.waive
_.progress_for
