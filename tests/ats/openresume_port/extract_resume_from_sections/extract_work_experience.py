"""Port of ``extract-resume-from-sections/extract-work-experience.ts``.

Divides the first section whose title contains work, experience, employment,
history or job into subsections. In each, the lines before the descriptions
(the first two lines if none are found) are scored for date, job title (a
word from OpenResume's list of job titles) and company (bold, neither the
date nor the job title); the descriptions are the bullet points.
"""

from __future__ import annotations

from typing import Any

from ..js import js_split_ws
from ..types import FeatureSet, Lines, TextItem
from .lib.bullet_points import get_bullet_points_from_lines, get_descriptions_line_idx
from .lib.common_features import DATE_FEATURE_SETS, get_has_text, has_number, is_bold
from .lib.feature_scoring_system import get_text_with_highest_feature_score
from .lib.get_section_lines import get_section_lines_by_keywords
from .lib.subsections import divide_section_into_subsections


WORK_EXPERIENCE_KEYWORDS_LOWERCASE = ["work", "experience", "employment", "history", "job"]
JOB_TITLES = ["Accountant", "Administrator", "Advisor", "Agent", "Analyst", "Apprentice", "Architect",
              "Assistant", "Associate", "Auditor", "Bartender", "Biologist", "Bookkeeper", "Buyer",
              "Carpenter", "Cashier", "CEO", "Clerk", "Co-op", "Co-Founder", "Consultant", "Coordinator",
              "CTO", "Developer", "Designer", "Director", "Driver", "Editor", "Electrician", "Engineer",
              "Extern", "Founder", "Freelancer", "Head", "Intern", "Janitor", "Journalist", "Laborer",
              "Lawyer", "Lead", "Manager", "Mechanic", "Member", "Nurse", "Officer", "Operator",
              "Operation", "Photographer", "President", "Producer", "Recruiter", "Representative",
              "Researcher", "Sales", "Server", "Scientist", "Specialist", "Supervisor", "Teacher",
              "Technician", "Trader", "Trainee", "Treasurer", "Tutor", "Vice", "VP", "Volunteer",
              "Webmaster", "Worker"]


def has_job_title(item: TextItem) -> bool:
    words = js_split_ws(item["text"])
    return any(any(w == t for w in words) for t in JOB_TITLES)


def has_more_than_5_words(item: TextItem) -> bool:
    return len(js_split_ws(item["text"])) > 5


JOB_TITLE_FEATURE_SET: list[FeatureSet] = [(has_job_title, 4), (has_number, -4), (has_more_than_5_words, -2)]


def extract_work_experience(sections: dict[str, Lines]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    lines = get_section_lines_by_keywords(sections, WORK_EXPERIENCE_KEYWORDS_LOWERCASE)
    for sub in divide_section_into_subsections(lines):
        idx = get_descriptions_line_idx(sub)
        idx = 2 if idx is None else idx
        info = [i for ln in sub[:idx] for i in ln]
        date, _ = get_text_with_highest_feature_score(info, DATE_FEATURE_SETS)
        job_title, _ = get_text_with_highest_feature_score(info, JOB_TITLE_FEATURE_SET)
        company_feature_set: list[FeatureSet] = [(is_bold, 2), (get_has_text(date), -4),
                                                 (get_has_text(job_title), -4)]
        company, _ = get_text_with_highest_feature_score(info, company_feature_set, False)
        descriptions = get_bullet_points_from_lines(sub[idx:])
        out.append({"company": company, "jobTitle": job_title, "date": date, "descriptions": descriptions})
    return out
