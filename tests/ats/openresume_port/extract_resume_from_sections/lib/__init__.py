"""Port of the folder ``extract-resume-from-sections/lib/``: helpers of the extractors.

OpenResume's folder has no index file, and neither has this package any code:
it groups ``common_features`` (feature functions), ``feature_scoring_system``,
``get_section_lines``, ``subsections`` and ``bullet_points``.
"""
