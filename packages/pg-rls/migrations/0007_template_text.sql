-- @workflow-manager/pg-rls — migration 0007: a template keeps its document's text.
--
-- `definition` is `jsonb`, which stores objects with their keys reordered (shorter keys first, then
-- by bytes). A template's objects carry meaning in their order — a form step's `fields` are the
-- order a person fills them in — and the store said it kept the document "exactly as published":
-- it did not. `document` keeps the JSON text as published; reads return it, and `definition` stays
-- for queries and for the "same definition" check of a repeated publication (which compares
-- meaning, not key order).
--
-- Templates published before this migration have no `document`: they are read from `definition`,
-- in jsonb's order, as before (their original text is not known any more).

alter table workflow_templates add column document text;
alter table workflow_templates add constraint workflow_templates_document_matches
  check (document is null or document::jsonb = definition);
