-- What each version changed, in plain words ("summary edited; experience 1: 2 bullets
-- added, 1 changed"), stored with the version by the write that makes it. The write's
-- one statement has the state before and after in hand, so it calls
-- resumectl_changes_summary() there: no document leaves the server, and no extra round
-- trip. Versions written before this migration have none (NULL); `history` computes theirs
-- with the same function when it reads them, from the version before.
--
-- The column is added without a default: no table rewrite, existing rows keep NULL.
ALTER TABLE optimized_resume_versions ADD COLUMN IF NOT EXISTS changes_summary TEXT;

-- How many elements of the JSON array `new` are not in `old`, and of `old` not in `new`,
-- counting duplicates (a multiset difference). A value that is not an array counts as an
-- empty one.
CREATE OR REPLACE FUNCTION resumectl_counted_changes(old jsonb, new jsonb)
RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        (SELECT count(*)::integer FROM (
            SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(new) = 'array' THEN new
                                             ELSE '[]'::jsonb END)
            EXCEPT ALL
            SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(old) = 'array' THEN old
                                             ELSE '[]'::jsonb END)) AS added),
        (SELECT count(*)::integer FROM (
            SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(old) = 'array' THEN old
                                             ELSE '[]'::jsonb END)
            EXCEPT ALL
            SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(new) = 'array' THEN new
                                             ELSE '[]'::jsonb END)) AS removed)]
$$;

-- "2 bullets added, 1 changed, 1 removed": counts of an array's elements, the noun (if
-- any) on the first. With `paired`, an element gone and another come in its place count
-- as one changed (a bullet reworded); without, they stay an addition and a removal (one
-- skill for another). NULL when the counts are all zero.
CREATE OR REPLACE FUNCTION resumectl_counts_phrase(noun text, old jsonb, new jsonb,
                                                   paired boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    counts integer[] := resumectl_counted_changes(old, new);
    changed integer := CASE WHEN paired THEN least(counts[1], counts[2]) ELSE 0 END;
    words text[] := '{}';
    n integer;
    what text;
BEGIN
    FOREACH what IN ARRAY ARRAY['added', 'changed', 'removed'] LOOP
        n := CASE what WHEN 'added' THEN counts[1] - changed
                       WHEN 'changed' THEN changed
                       ELSE counts[2] - changed END;
        CONTINUE WHEN n = 0;
        IF cardinality(words) = 0 AND noun IS NOT NULL THEN
            words := words || format('%s %s%s %s', n, noun,
                                     CASE WHEN n = 1 THEN '' ELSE 's' END, what);
        ELSE
            words := words || format('%s %s', n, what);
        END IF;
    END LOOP;
    RETURN nullif(array_to_string(words, ', '), '');
END
$$;

-- The changes between two arrays of items (work experience, education...), item by item:
-- the items of `new` that `old` lacks (by value, duplicates counted) and those of `old`
-- that `new` lacks, paired in order as changed items; the rest added or removed. Rows of
-- (position in new, or in old when removed; old item; new item), in the order of `new`.
CREATE OR REPLACE FUNCTION resumectl_item_changes(old jsonb, new jsonb)
RETURNS TABLE (pos bigint, old_item jsonb, new_item jsonb)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH o AS (
        SELECT value, ord, row_number() OVER (PARTITION BY value ORDER BY ord) AS k
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(old) = 'array' THEN old
                                       ELSE '[]'::jsonb END) WITH ORDINALITY AS e (value, ord)),
    n AS (
        SELECT value, ord, row_number() OVER (PARTITION BY value ORDER BY ord) AS k
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(new) = 'array' THEN new
                                       ELSE '[]'::jsonb END) WITH ORDINALITY AS e (value, ord)),
    gone AS (
        SELECT o.value, o.ord, row_number() OVER (ORDER BY o.ord) AS i FROM o
        WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.value = o.value AND n.k = o.k)),
    came AS (
        SELECT n.value, n.ord, row_number() OVER (ORDER BY n.ord) AS i FROM n
        WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.value = n.value AND o.k = n.k))
    SELECT coalesce(c.ord, g.ord), g.value, c.value
    FROM gone g FULL JOIN came c USING (i)
    ORDER BY coalesce(c.ord, g.ord), c.ord IS NULL
$$;

-- What changed in one work experience item: its fields ("title, dates edited") and its
-- bullets ("2 bullets added, 1 changed"). An item of the console's ui form keeps its
-- bullets under bullets.primary.
CREATE OR REPLACE FUNCTION resumectl_experience_item(old jsonb, new jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    old_bullets jsonb := CASE jsonb_typeof(old -> 'bullets')
        WHEN 'object' THEN old -> 'bullets' -> 'primary' ELSE old -> 'bullets' END;
    new_bullets jsonb := CASE jsonb_typeof(new -> 'bullets')
        WHEN 'object' THEN new -> 'bullets' -> 'primary' ELSE new -> 'bullets' END;
    fields text[];
    words text[] := '{}';
    bullets text;
BEGIN
    SELECT array_agg(DISTINCT CASE WHEN key IN ('start_date', 'end_date') THEN 'dates'
                                   ELSE key END)
    INTO fields
    FROM (SELECT key FROM jsonb_each(CASE WHEN jsonb_typeof(old) = 'object' THEN old
                                          ELSE '{}'::jsonb END)
          UNION SELECT key FROM jsonb_each(CASE WHEN jsonb_typeof(new) = 'object' THEN new
                                                ELSE '{}'::jsonb END)) AS k
    WHERE key NOT IN ('bullets', 'include') AND old -> key IS DISTINCT FROM new -> key;
    IF cardinality(fields) > 0 THEN
        words := words || (array_to_string(fields, ', ') || ' edited');
    END IF;
    IF old_bullets IS DISTINCT FROM new_bullets THEN
        bullets := coalesce(resumectl_counts_phrase('bullet', old_bullets, new_bullets, true),
                            'bullets reordered');
        words := words || bullets;
    END IF;
    IF cardinality(words) = 0 AND old -> 'include' IS DISTINCT FROM new -> 'include'
       AND (old - 'include') IS NOT DISTINCT FROM (new - 'include') THEN
        RETURN CASE WHEN new -> 'include' = 'false' THEN 'hidden' ELSE 'shown' END;
    END IF;
    RETURN nullif(array_to_string(words, ', '), '');
END
$$;

-- One part of the document that lives in several places (the ui form, resume_json,
-- targeting): NULL when none of them changed; "<label> added" or "removed" when it was
-- nowhere or is nowhere now; "hidden" or "shown" when only the ui form's include flag
-- moved; else "<label> edited". `old` and `new` list the places in the same order, the ui
-- form's first when it has one.
CREATE OR REPLACE FUNCTION resumectl_part_change(label text, old jsonb[], new jsonb[])
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    i integer;
    differs boolean := false;
    rest_same boolean := true;
BEGIN
    FOR i IN 1 .. cardinality(old) LOOP
        IF old[i] IS DISTINCT FROM new[i] THEN
            differs := true;
            IF i > 1 THEN rest_same := false; END IF;
        END IF;
    END LOOP;
    IF NOT differs THEN
        RETURN NULL;
    ELSIF (SELECT bool_and(v IS NULL) FROM unnest(old) AS v) THEN
        RETURN label || ' added';
    ELSIF (SELECT bool_and(v IS NULL) FROM unnest(new) AS v) THEN
        RETURN label || ' removed';
    ELSIF rest_same AND jsonb_typeof(old[1]) = 'object' AND jsonb_typeof(new[1]) = 'object'
          AND old[1] -> 'include' IS DISTINCT FROM new[1] -> 'include'
          AND (old[1] - 'include') = (new[1] - 'include') THEN
        RETURN label || CASE WHEN new[1] -> 'include' = 'false' THEN ' hidden'
                             ELSE ' shown' END;
    END IF;
    RETURN label || ' edited';
END
$$;

-- The keys of two objects that are not in `known` and differ: "<prefix><key> edited",
-- "added" or "removed", in key order.
CREATE OR REPLACE FUNCTION resumectl_other_keys(prefix text, old jsonb, new jsonb,
                                                known text[])
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(prefix || key || CASE WHEN o.value IS NULL THEN ' added'
                                                   WHEN n.value IS NULL THEN ' removed'
                                                   ELSE ' edited' END ORDER BY key), '{}')
    FROM jsonb_each(CASE WHEN jsonb_typeof(old) = 'object' THEN old ELSE '{}'::jsonb END) o
    FULL JOIN jsonb_each(CASE WHEN jsonb_typeof(new) = 'object' THEN new ELSE '{}'::jsonb END) n
        USING (key)
    WHERE key <> ALL (known) AND o.value IS DISTINCT FROM n.value
$$;

-- What changed between two structured_output documents, part by part, in the order a
-- resume reads: the phrases, none when the documents are equal as JSON.
CREATE OR REPLACE FUNCTION resumectl_document_changes(old jsonb, new jsonb)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    o_ui jsonb;  n_ui jsonb;
    o_rj jsonb;  n_rj jsonb;
    o_tg jsonb;  n_tg jsonb;
    parts text[] := '{}';
    items text[];
    phrase text;
    item record;
    detail text;
    o_items jsonb;  n_items jsonb;
BEGIN
    IF old IS NOT DISTINCT FROM new THEN
        -- Equal as JSON, different as stored: only a number's written form (1.0 for 1).
        RETURN CASE WHEN NOT record_image_eq(row(old), row(new))
                    THEN ARRAY['structured_output: numbers rewritten'] ELSE parts END;
    ELSIF old IS NULL THEN
        RETURN ARRAY['structured_output added'];
    ELSIF new IS NULL THEN
        RETURN ARRAY['structured_output removed'];
    ELSIF jsonb_typeof(old) <> 'object' OR jsonb_typeof(new) <> 'object' THEN
        RETURN ARRAY['structured_output replaced'];
    END IF;
    -- A stored document comes compressed, and every operator would decompress it again:
    -- concatenating an empty object hands back the document decompressed, once.
    old := old || '{}'::jsonb;
    new := new || '{}'::jsonb;
    o_ui := old -> 'ui';  n_ui := new -> 'ui';
    o_rj := old -> 'resume_json';  n_rj := new -> 'resume_json';
    o_tg := old -> 'targeting';  n_tg := new -> 'targeting';

    parts := parts || resumectl_part_change('headline',
        ARRAY[o_ui -> 'target_title', o_tg -> 'target_headline', o_rj -> 'headline'],
        ARRAY[n_ui -> 'target_title', n_tg -> 'target_headline', n_rj -> 'headline']);
    parts := parts || resumectl_part_change('contact',
        ARRAY[o_ui -> 'contact_information', o_rj -> 'contact', o_rj -> 'name'],
        ARRAY[n_ui -> 'contact_information', n_rj -> 'contact', n_rj -> 'name']);
    parts := parts || resumectl_part_change('summary',
        ARRAY[o_ui -> 'professional_summary', o_tg -> 'summary', o_rj -> 'summary'],
        ARRAY[n_ui -> 'professional_summary', n_tg -> 'summary', n_rj -> 'summary']);

    -- Work experience, item by item: resume_json's list when it changed, else the ui
    -- form's.
    IF o_rj -> 'experience' IS DISTINCT FROM n_rj -> 'experience' THEN
        o_items := o_rj -> 'experience';  n_items := n_rj -> 'experience';
    ELSE
        o_items := o_ui -> 'work_experience' -> 'items';
        n_items := n_ui -> 'work_experience' -> 'items';
    END IF;
    IF o_items IS DISTINCT FROM n_items THEN
        items := '{}';
        FOR item IN SELECT * FROM resumectl_item_changes(o_items, n_items) LOOP
            IF item.old_item IS NULL THEN
                items := items || format('experience %s added', item.pos);
            ELSIF item.new_item IS NULL THEN
                items := items || format('experience %s removed', item.pos);
            ELSE
                detail := resumectl_experience_item(item.old_item, item.new_item);
                items := items || CASE WHEN detail IN ('hidden', 'shown')
                                       THEN format('experience %s %s', item.pos, detail)
                                       WHEN detail IS NULL
                                       THEN format('experience %s edited', item.pos)
                                       ELSE format('experience %s: %s', item.pos, detail) END;
            END IF;
        END LOOP;
        parts := parts || CASE WHEN cardinality(items) = 0
                               THEN ARRAY['experience reordered'] ELSE items END;
    ELSE
        parts := parts || resumectl_part_change('experience',
            ARRAY[o_ui -> 'work_experience'], ARRAY[n_ui -> 'work_experience']);
    END IF;

    -- Lists counted by item.
    FOR item IN
        SELECT * FROM (VALUES
            (1, 'education', o_rj -> 'education', n_rj -> 'education',
             o_ui -> 'education', n_ui -> 'education'),
            (2, 'certifications', o_rj -> 'certifications', n_rj -> 'certifications',
             o_ui -> 'certifications', n_ui -> 'certifications'),
            (3, 'extras', o_rj -> 'extras', n_rj -> 'extras',
             o_ui -> 'interests_or_extras', n_ui -> 'interests_or_extras'))
            AS l (n, label, o_list, n_list, o_form, n_form)
        ORDER BY n
    LOOP
        IF item.o_list IS DISTINCT FROM item.n_list THEN
            phrase := resumectl_counts_phrase(NULL, item.o_list, item.n_list, true);
            parts := parts || (item.label || coalesce(': ' || phrase, ' reordered'));
        ELSE
            o_items := item.o_form -> 'items';  n_items := item.n_form -> 'items';
            IF o_items IS DISTINCT FROM n_items THEN
                phrase := resumectl_counts_phrase(NULL, o_items, n_items, true);
                parts := parts || (item.label || coalesce(': ' || phrase, ' reordered'));
            ELSE
                parts := parts || resumectl_part_change(item.label,
                    ARRAY[item.o_form], ARRAY[item.n_form]);
            END IF;
        END IF;
    END LOOP;

    -- Skills: every group's names counted together; the same names in other groups are
    -- "regrouped".
    DECLARE
        places text[] := ARRAY['skills_block', 'resume_json', 'ui'];
        o_skills jsonb;  n_skills jsonb;
        place text;
    BEGIN
        FOREACH place IN ARRAY places LOOP
            o_skills := CASE place WHEN 'skills_block' THEN old -> 'skills_block'
                                   WHEN 'resume_json' THEN o_rj -> 'skills'
                                   ELSE o_ui -> 'skills' -> 'groups' END;
            n_skills := CASE place WHEN 'skills_block' THEN new -> 'skills_block'
                                   WHEN 'resume_json' THEN n_rj -> 'skills'
                                   ELSE n_ui -> 'skills' -> 'groups' END;
            EXIT WHEN o_skills IS DISTINCT FROM n_skills;
        END LOOP;
        IF o_skills IS DISTINCT FROM n_skills THEN
            phrase := resumectl_counts_phrase(NULL,
                (SELECT coalesce(jsonb_agg(s), '[]') FROM jsonb_each(
                    CASE WHEN jsonb_typeof(o_skills) = 'object' THEN o_skills
                         ELSE '{}'::jsonb END) AS g,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(g.value) = 'array'
                                              THEN g.value ELSE '[]'::jsonb END) AS s),
                (SELECT coalesce(jsonb_agg(s), '[]') FROM jsonb_each(
                    CASE WHEN jsonb_typeof(n_skills) = 'object' THEN n_skills
                         ELSE '{}'::jsonb END) AS g,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(g.value) = 'array'
                                              THEN g.value ELSE '[]'::jsonb END) AS s),
                false);
            parts := parts || ('skills' || coalesce(': ' || phrase, ' regrouped'));
        ELSE
            parts := parts || resumectl_part_change('skills',
                ARRAY[o_ui -> 'skills'], ARRAY[n_ui -> 'skills']);
        END IF;
    END;

    parts := parts || resumectl_part_change('section list',
        ARRAY[o_ui -> 'include_parts_summary'], ARRAY[n_ui -> 'include_parts_summary']);
    parts := parts || resumectl_part_change('analysis',
        ARRAY[old -> 'analysis'], ARRAY[new -> 'analysis']);
    parts := parts || resumectl_part_change('requirement evidence',
        ARRAY[old -> 'requirement_evidence_map'], ARRAY[new -> 'requirement_evidence_map']);
    parts := parts || resumectl_part_change('ATS text',
        ARRAY[old -> 'tailored_resume_text'], ARRAY[new -> 'tailored_resume_text']);
    parts := parts || resumectl_part_change('cover note',
        ARRAY[old -> 'cover_note'], ARRAY[new -> 'cover_note']);
    parts := parts || resumectl_part_change('qa section',
        ARRAY[old -> 'qa'], ARRAY[new -> 'qa']);
    parts := parts || resumectl_part_change('preview',
        ARRAY[o_ui -> 'preview'], ARRAY[n_ui -> 'preview']);

    -- Whatever else the document holds, by its own name.
    parts := parts || resumectl_other_keys('', old, new, ARRAY['analysis',
        'requirement_evidence_map', 'ui', 'targeting', 'skills_block',
        'tailored_resume_text', 'resume_json', 'cover_note', 'qa']);
    parts := parts || resumectl_other_keys('ui.', o_ui, n_ui, ARRAY['contact_information',
        'target_title', 'professional_summary', 'work_experience', 'education',
        'certifications', 'skills', 'interests_or_extras', 'include_parts_summary',
        'preview']);
    parts := parts || resumectl_other_keys('resume_json.', o_rj, n_rj, ARRAY['name',
        'contact', 'headline', 'summary', 'skills', 'experience', 'education',
        'certifications', 'extras']);
    parts := parts || resumectl_other_keys('targeting.', o_tg, n_tg,
        ARRAY['target_headline', 'summary']);
    parts := array_remove(parts, NULL);
    IF cardinality(parts) = 0 THEN
        parts := ARRAY['structured_output edited'];
    END IF;
    RETURN parts;
END
$$;

-- What changed in a JSON column of figures or links (qa_metrics, export_formats): each
-- key, a number's old and new value ("qa_metrics: coverage 80 → 88, duplicates set to
-- 0"); "added", "cleared" or "replaced" when more than four keys changed, or the values are
-- not objects. A column that was NULL counts as an empty object.
CREATE OR REPLACE FUNCTION resumectl_object_changes(label text, old jsonb, new jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text[];
    was_empty boolean := old IS NULL OR old = 'null';
    is_empty boolean := new IS NULL OR new = 'null';
BEGIN
    IF old IS NOT DISTINCT FROM new THEN
        RETURN CASE WHEN NOT record_image_eq(row(old), row(new))
                    THEN label || ': numbers rewritten' END;
    ELSIF NOT (was_empty OR jsonb_typeof(old) = 'object')
          OR NOT (is_empty OR jsonb_typeof(new) = 'object') THEN
        RETURN label || ' replaced';
    END IF;
    SELECT array_agg(CASE
               WHEN o.value IS NULL AND jsonb_typeof(n.value) IN ('number', 'boolean')
                   THEN format('%s set to %s', key, n.value)
               WHEN o.value IS NULL THEN key || ' added'
               WHEN n.value IS NULL THEN key || ' removed'
               WHEN jsonb_typeof(o.value) IN ('number', 'boolean')
                    AND jsonb_typeof(n.value) IN ('number', 'boolean')
                   THEN format('%s %s → %s', key, o.value, n.value)
               ELSE key || ' changed' END ORDER BY key)
    INTO words
    FROM jsonb_each(CASE WHEN was_empty THEN '{}'::jsonb ELSE old END) o
    FULL JOIN jsonb_each(CASE WHEN is_empty THEN '{}'::jsonb ELSE new END) n USING (key)
    WHERE o.value IS DISTINCT FROM n.value;
    IF cardinality(words) > 4 OR cardinality(words) IS NULL THEN
        RETURN label || CASE WHEN was_empty THEN ' added' WHEN is_empty THEN ' cleared'
                             ELSE ' replaced' END;
    END IF;
    RETURN label || ': ' || array_to_string(words, ', ');
END
$$;

-- The summary of one version: `event` first when the write has one ("restored from
-- version 3", "imported from jsonresume"), then what changed, column by column; the
-- document part by part. A column the write does not set is passed as NULL twice. At most
-- 200 characters: the phrases that do not fit are counted ("and 3 more changes").
CREATE OR REPLACE FUNCTION resumectl_changes_summary(
    event text,
    old_title text, new_title text,
    old_content text, new_content text,
    old_score integer, new_score integer,
    old_document jsonb, new_document jsonb,
    old_qa jsonb, new_qa jsonb,
    old_exports jsonb, new_exports jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    parts text[] := resumectl_document_changes(old_document, new_document);
    summary text := '';
    phrase text;
    shown integer := 0;
    limit_chars constant integer := 200;
BEGIN
    IF old_title IS DISTINCT FROM new_title THEN
        parts := parts || 'title edited'::text;
    END IF;
    IF old_content IS DISTINCT FROM new_content THEN
        parts := parts || 'plain text edited'::text;
    END IF;
    IF old_score IS DISTINCT FROM new_score THEN
        parts := parts || CASE WHEN old_score IS NULL THEN 'match score set to ' || new_score
                               WHEN new_score IS NULL THEN 'match score cleared'
                               ELSE format('match score %s → %s', old_score, new_score) END;
    END IF;
    parts := parts || resumectl_object_changes('qa_metrics', old_qa, new_qa);
    parts := parts || resumectl_object_changes('export_formats', old_exports, new_exports);
    parts := array_remove(parts, NULL);
    IF cardinality(parts) = 0 THEN
        RETURN coalesce(event, 'no change');
    END IF;
    FOREACH phrase IN ARRAY parts LOOP
        -- Room is kept for the count of what does not fit, unless this is the last one.
        EXIT WHEN char_length(coalesce(event || ': ', '') || summary || phrase)
                  + CASE WHEN shown + 1 < cardinality(parts) THEN 24 ELSE 0 END
                  > limit_chars AND shown > 0;
        summary := summary || CASE WHEN shown > 0 THEN '; ' ELSE '' END || phrase;
        shown := shown + 1;
    END LOOP;
    IF shown < cardinality(parts) THEN
        summary := format('%s; and %s more change%s', summary, cardinality(parts) - shown,
                          CASE WHEN cardinality(parts) - shown = 1 THEN '' ELSE 's' END);
    END IF;
    RETURN coalesce(event || ': ', '') || summary;
END
$$;
