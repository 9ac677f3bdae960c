"""Port of ``extract-resume-from-sections/index.ts`` (step 4: sections -> resume).

Runs the five extractors (profile, education, work experience, projects,
skills) on the sections and returns OpenResume's ``Resume`` shape, with an
empty ``custom`` section. The extractors use OpenResume's feature scoring
system: each text item gets the sum of the scores of the features it has,
and the best-scoring text wins.
"""

from __future__ import annotations

from typing import Any

from ..types import Lines

# Modules, not their functions: ``from .extract_profile import extract_profile``
# would hide the submodule behind the function of the same name.
from . import extract_education, extract_profile, extract_project, extract_skills, extract_work_experience


def extract_resume_from_sections(sections: dict[str, Lines]) -> dict[str, Any]:
    return {
        "profile": extract_profile.extract_profile(sections),
        "educations": extract_education.extract_education(sections),
        "workExperiences": extract_work_experience.extract_work_experience(sections),
        "projects": extract_project.extract_project(sections),
        "skills": extract_skills.extract_skills(sections),
        "custom": {"descriptions": []},
    }
