-- How each stored fingerprint read its text (src/ClaimTracker.Api/Sources/SourceFingerprints.cs, Scheme): when the way
-- words are read changes (numbers, quotes, soft hyphens, ligatures...), the hashes of an older scheme no longer meet the
-- new ones, and the app takes those fingerprints again at its next start. The rows already stored were read by the
-- first scheme. No default from now on: every writer says which scheme it read with.
alter table source_fingerprints add column scheme smallint not null default 1;
alter table source_fingerprints alter column scheme drop default;
