using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using FluentValidation;
using Npgsql;

namespace ClaimTracker.Api.Imports;

/// <summary>
/// Bulk import of NDJSON (subjects, sources, passages, claims). Every line is checked by the rules of its single-item
/// endpoint; valid rows are written by binary COPY in batches inside one transaction; conflicts of the new claims
/// are computed set-wise at the end. All or nothing: one rejected line and nothing is written, and the report names
/// every rejected line and why.
/// </summary>
public sealed class Importer(NpgsqlDataSource db, JsonSerializerOptions json, ILogger logger)
{
    public const int BatchRows = 5_000;
    // Long texts (a government report runs to megabytes) fill a batch sooner: the batch being written and the one being
    // filled hold at most about twice this many UTF-16 units of source text, whatever the texts' length.
    public const long BatchTextChars = 4_000_000;
    private const int ChunkLines = 1_000;
    private const int MaxReportedRejections = 1_000;
    // Texts kept in memory once written, for the passages of later lines: the newest, within both bounds.
    private const int SourceBodyCache = 2_000;
    private const long SourceBodyChars = 4_000_000;

    private static readonly CreateSourceRequest.Validator SourceRules = new();
    private static readonly CreatePassageRequest.Validator PassageRules = new();
    private static readonly CreateSubjectRequest.Validator SubjectRules = new();
    private static readonly CreateClaimRequest.Validator ClaimRules = new();

    /// <summary>How far an import has come: lines and body bytes read, claims so far, and what it is doing now.</summary>
    public sealed record Progress(long Lines, long Claims, double Seconds, long Bytes = 0, ImportPhase Phase = ImportPhase.Reading);

    /// <summary>Lines between two reports of progress while reading.</summary>
    public const int ProgressLines = 1_000;

    /// <summary>An Idempotency-Key for the import: recorded with the import's own transaction.</summary>
    public sealed record Key(long CuratorId, string Value, string Path);

    /// <summary>What an import came to: a report, or (a retry of a recorded key) the recorded answer to give.</summary>
    public sealed record Outcome(ImportReport? Report, Recorded? Replay, byte[] Sha256);

    public async Task<ImportReport> RunAsync(Stream body, long curatorId, Action<Progress>? progress, CancellationToken ct) =>
        (await RunAsync(body, curatorId, null, progress, ct)).Report!;

    public async Task<Outcome> RunAsync(Stream body, long curatorId, Key? key, Action<Progress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Imports take turns (their conflict computation locks the claims table) and may run long.
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(7406451); set local statement_timeout = 0", transaction: tx, cancellationToken: ct));
        // The body is hashed as it is read, for its Idempotency-Key.
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"POST {key?.Path}\n"));
        if (key is not null && await Recorded.FindAsync(connection, tx, key.CuratorId, key.Value, ct) is { } recorded)
        {
            // A retry (imports take turns, so the first has committed): answer as before if it is the same body.
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0) sha.AppendData(buffer, 0, n);
            return new Outcome(null, recorded, sha.GetHashAndReset());
        }
        var counted = new HashingStream(body, sha);
        body = counted;

        await using var lookups = await LookupConnectionAsync(ct);
        var run = new Run(connection, tx, lookups, curatorId, json, ct);
        try
        {
            return await RunAsync(run, connection, tx, body, counted, sha, key, progress, clock, ct);
        }
        finally
        {
            // A write still running when the checking failed: the connection must be free before it is rolled back.
            await run.SettleAsync();
        }
    }

    /// <summary>
    /// A second connection for the lines' look-ups, so that checking overlaps writing; none when the pool has no room
    /// for one at once (a pool of one; other imports waiting for their turn hold the rest), and then the import checks
    /// and writes by turns on its one connection.
    /// </summary>
    private async Task<NpgsqlConnection?> LookupConnectionAsync(CancellationToken ct)
    {
        if (new NpgsqlConnectionStringBuilder(db.ConnectionString).MaxPoolSize < 2) return null;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            return await db.OpenConnectionAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogInformation("Import: no second connection free within 1 s; checking and writing by turns");
            return null;
        }
    }

    private async Task<Outcome> RunAsync(
        Run run, NpgsqlConnection connection, NpgsqlTransaction tx, Stream body, HashingStream counted,
        System.Security.Cryptography.IncrementalHash sha, Key? key, Action<Progress>? progress, Stopwatch clock, CancellationToken ct)
    {
        await run.LoadVocabularyAsync();

        using var reader = new StreamReader(body, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 64 * 1024);
        long line = 0;
        // Lines are read a chunk at a time, so that the names and texts the chunk looks up in the database are asked
        // for in one query each (Run.PrefetchAsync) instead of one round trip per line; each line is then checked
        // and written in order, as before.
        var chunk = new List<(long Line, string Text)>(ChunkLines);
        async Task LinesAsync()
        {
            await run.PrefetchAsync(chunk);
            foreach (var (number, text) in chunk)
            {
                await run.LineAsync(number, text);
                if (run.Full) await run.FlushAsync();
                if (number % ProgressLines == 0) progress?.Invoke(new Progress(number, run.Counts.Claims, clock.Elapsed.TotalSeconds, counted.Count));
                if (number % 50_000 == 0)
                {
                    logger.LogInformation("Import: {Lines} lines read, {Claims} claims, {Seconds:F0} s", number, run.Counts.Claims, clock.Elapsed.TotalSeconds);
                }
            }
            chunk.Clear();
        }
        while (true)
        {
            string? text;
            try
            {
                text = await reader.ReadLineAsync(ct);
            }
            catch (DecoderFallbackException)
            {
                await LinesAsync();
                run.Reject(line + 1, "$", "is not valid UTF-8; nothing after it was read.");
                break;
            }
            if (text is null) break;
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            chunk.Add((line, text));
            if (chunk.Count == ChunkLines) await LinesAsync();
        }
        await LinesAsync();

        // Read to the end, so that the hash covers the whole body even after a rejection stopped the reading.
        await body.CopyToAsync(Stream.Null, ct);
        var requestSha = sha.GetHashAndReset();
        if (run.RejectedCount > 0)
        {
            await run.SettleAsync();
            await tx.RollbackAsync(ct);
            progress?.Invoke(new Progress(line, 0, clock.Elapsed.TotalSeconds, counted.Count, ImportPhase.Refused));
            return new Outcome(run.Report(false, line, 0, clock.Elapsed.TotalSeconds), null, requestSha);
        }
        progress?.Invoke(new Progress(line, run.Counts.Claims, clock.Elapsed.TotalSeconds, counted.Count, ImportPhase.Writing));
        await run.FlushAsync();
        await run.WrittenAsync();
        progress?.Invoke(new Progress(line, run.Counts.Claims, clock.Elapsed.TotalSeconds, counted.Count, ImportPhase.Conflicts));
        var conflicts = await run.OpenConflictsAsync();
        var report = run.Report(true, line, conflicts, clock.Elapsed.TotalSeconds);
        if (key is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                insert into idempotency_keys (curator_id, key, method, path, request_sha256, status, content_type, body)
                values (@CuratorId, @Value, 'POST', @Path, @requestSha, 200, 'application/json; charset=utf-8', @body)
                """, new { key.CuratorId, key.Value, key.Path, requestSha, body = JsonSerializer.SerializeToUtf8Bytes(report, json) },
                tx, cancellationToken: ct));
        }
        progress?.Invoke(new Progress(line, run.Counts.Claims, clock.Elapsed.TotalSeconds, counted.Count, ImportPhase.Committing));
        await tx.CommitAsync(ct);
        progress?.Invoke(new Progress(line, run.Counts.Claims, clock.Elapsed.TotalSeconds, counted.Count, ImportPhase.Committed));
        logger.LogInformation("Import committed: {Lines} lines, {Claims} claims, {Conflicts} conflicts, {Batches} batches, {Seconds:F1} s",
            line, run.Counts.Claims, conflicts, run.Batches, clock.Elapsed.TotalSeconds);
        return new Outcome(report, null, requestSha);
    }

    /// <summary>The state of one import: what has been seen, what is buffered, what was rejected.</summary>
    /// <remarks>
    /// Lines are checked against what this import has read (in memory) and what the database held before it: with a
    /// connection of their own for the second (<paramref name="lookupConnection"/>), the checks go on while the
    /// import's connection writes the batch before. The one thing read back from the import's own writes is a source
    /// body that memory no longer holds; that waits for the writes.
    /// </remarks>
    private sealed class Run(
        NpgsqlConnection connection, NpgsqlTransaction tx, NpgsqlConnection? lookupConnection, long curatorId, JsonSerializerOptions json, CancellationToken ct)
        : IClaimLookups
    {
        private readonly NpgsqlConnection _lookups = lookupConnection ?? connection;
        private readonly NpgsqlTransaction? _lookupTx = lookupConnection is null ? tx : null;
        private readonly Dictionary<string, PropertyDetail> _properties = [];
        private readonly Dictionary<string, long> _subjects = [];              // alias key -> id, cached and new
        private readonly Dictionary<string, long> _sourceRefs = [];
        private readonly HashSet<long> _importedSources = [];
        private readonly Dictionary<string, (long Id, long SourceId)> _passageRefs = [];
        private readonly Dictionary<long, long> _passageSources = [];           // passages of this import -> source
        private readonly HashSet<string> _claimRefs = [];
        private readonly Dictionary<long, (long RevisionId, CodePoints Text)> _bodies = [];
        private readonly Queue<long> _bodyOrder = new();
        private long _bodyChars;
        private readonly HashSet<string> _shas = [];
        private readonly HashSet<string> _urls = [];
        // What the database held when a chunk asked (PrefetchAsync): names no subject had, and whether a text or URL was stored.
        private readonly HashSet<string> _absentSubjects = [];
        private readonly Dictionary<string, bool> _shasInDatabase = [];
        private readonly Dictionary<string, bool> _urlsInDatabase = [];
        private readonly Dictionary<(long Revision, int Start, int End), long> _spans = [];
        private readonly List<ImportRejection> _rejected = [];
        private readonly List<long> _claimIds = [];
        // Sequences are outside transactions: ids come from either connection alike.
        private readonly Ids _ids = new(lookupConnection ?? connection, lookupConnection is null ? tx : null, ct);
        private readonly HashSet<long> _importedSubjects = [];
        private readonly Dictionary<long, ReportContext> _reports = [];
        private readonly Dictionary<long, (long PropertyId, bool CanBeWhole)> _claimWholes = [];
        private readonly BatchWriter _writer = new(connection, tx, curatorId, overlap: lookupConnection is not null, ct);

        public long RejectedCount { get; private set; }
        public ImportCounts Counts { get; private set; } = new(0, 0, 0, 0, 0);
        public bool Full => _writer.Filling.Rows >= BatchRows || _writer.Filling.TextChars >= BatchTextChars;

        public int Batches => _writer.Started;

        public void Reject(long line, string field, string reason)
        {
            RejectedCount++;
            if (_rejected.Count < MaxReportedRejections) _rejected.Add(new ImportRejection(line, field, reason));
        }

        public ImportReport Report(bool committed, long lines, long conflicts, double seconds) =>
            new(committed, lines, committed ? Counts : new ImportCounts(0, 0, 0, 0, 0), conflicts, [.. _rejected], RejectedCount, seconds);

        public async Task LoadVocabularyAsync()
        {
            foreach (var property in await ListProperties.DefinitionsAsync(connection, tx, ct)) _properties[property.Key] = property;
        }

        /// <summary>
        /// Asks the database, in one query each, about every subject name and every source text and URL the chunk's
        /// lines name that this import has not asked about yet; the lines' own checks then find the answers here.
        /// A line this cannot read is left to <see cref="LineAsync"/>, which rejects it. So is a value with a NUL:
        /// PostgreSQL refuses it as a parameter, and Npgsql 10.0.3, refused that way while it auto-prepares a statement,
        /// keeps the statement as prepared without its columns, so that the connection's next use of it (another
        /// request's) fails on the rows it gets back.
        /// </summary>
        public async Task PrefetchAsync(IReadOnlyList<(long Line, string Text)> lines)
        {
            var names = new HashSet<string>();
            var shas = new Dictionary<string, byte[]>();
            var urls = new HashSet<string>();
            void Name(JsonElement element, bool nfc)
            {
                if (element.ValueKind != JsonValueKind.String || element.GetString()?.Trim() is not { Length: > 0 } name || name.Contains('\0')) return;
                if (nfc) name = CodePoints.Nfc(name);
                var key = name.ToLowerInvariant();
                if (!_subjects.ContainsKey(key) && !_absentSubjects.Contains(key)) names.Add(name);
            }
            foreach (var (_, text) in lines)
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type)) continue;
                    JsonElement value;
                    switch (type.ValueKind == JsonValueKind.String ? type.GetString() : null)
                    {
                        case "subject":
                            if (root.TryGetProperty("name", out value)) Name(value, nfc: true);
                            if (root.TryGetProperty("broader", out value)) Name(value, nfc: false);
                            if (root.TryGetProperty("aliases", out value) && value.ValueKind == JsonValueKind.Array)
                            {
                                foreach (var alias in value.EnumerateArray()) Name(alias, nfc: true);
                            }
                            break;
                        case "claim":
                            if (root.TryGetProperty("subject", out value)) Name(value, nfc: false);
                            if (root.TryGetProperty("assertedBy", out value)) Name(value, nfc: false);
                            if (root.TryGetProperty("attribution", out value) && value.ValueKind == JsonValueKind.Array)
                            {
                                foreach (var link in value.EnumerateArray())
                                {
                                    if (link.ValueKind == JsonValueKind.Object && link.TryGetProperty("subject", out var speaker)) Name(speaker, nfc: false);
                                }
                            }
                            break;
                        case "source":
                            if (root.TryGetProperty("body", out value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } body)
                            {
                                var sha = CreateSource.Sha256(CodePoints.Nfc(body));
                                var hex = Convert.ToHexStringLower(sha);
                                if (!_shasInDatabase.ContainsKey(hex)) shas.TryAdd(hex, sha);
                            }
                            if (root.TryGetProperty("url", out value) && value.ValueKind == JsonValueKind.String
                                && value.GetString() is { } raw && CreateSource.NormalizeUrl(raw) is { } url && !url.Contains('\0') && !_urlsInDatabase.ContainsKey(url))
                            {
                                urls.Add(url);
                            }
                            break;
                    }
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    // Not JSON, or a string that is not valid Unicode: rejected, with its reason, when the line itself is read.
                }
            }
            if (names.Count > 0)
            {
                var found = (await _lookups.QueryAsync<(string Name, long Id)>(new CommandDefinition("""
                    select n.name, a.subject_id from unnest(@names) as n(name) join subject_aliases a on a.alias_key = lower(n.name)
                    """, new { names = names.ToArray() }, _lookupTx, cancellationToken: ct))).ToList();
                foreach (var (name, id) in found) _subjects.TryAdd(name.ToLowerInvariant(), id);
                foreach (var name in names)
                {
                    if (!_subjects.ContainsKey(name.ToLowerInvariant())) _absentSubjects.Add(name.ToLowerInvariant());
                }
            }
            if (shas.Count > 0)
            {
                var stored = (await _lookups.QueryAsync<byte[]>(new CommandDefinition(
                    "select distinct body_sha256 from source_revisions where body_sha256 = any(@shas)",
                    new { shas = shas.Values.ToArray() }, _lookupTx, cancellationToken: ct))).Select(Convert.ToHexStringLower).ToHashSet();
                foreach (var hex in shas.Keys) _shasInDatabase[hex] = stored.Contains(hex);
            }
            if (urls.Count > 0)
            {
                var stored = (await _lookups.QueryAsync<string>(new CommandDefinition(
                    "select url from sources where url = any(@urls)", new { urls = urls.ToArray() }, _lookupTx, cancellationToken: ct))).ToHashSet();
                foreach (var url in urls) _urlsInDatabase[url] = stored.Contains(url);
            }
        }

        public async Task LineAsync(long line, string text)
        {
            JsonObject body;
            try
            {
                // As for request bodies: a field sent twice is refused, not read as its last value.
                if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is not JsonObject parsed)
                {
                    Reject(line, "$", "is not a JSON object.");
                    return;
                }
                body = parsed;
                JsonTexts.ReadAllText(body);
            }
            catch (JsonException e) when (e.Path is { } path && e.Message.Contains("lone surrogate", StringComparison.Ordinal))
            {
                Reject(line, path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, "is not valid Unicode (a lone surrogate).");
                return;
            }
            catch (JsonException e) when (Problems.DuplicateField(e.Message) is { } repeated)
            {
                Reject(line, repeated, Problems.JsonReason(e));
                return;
            }
            catch (JsonException e)
            {
                Reject(line, "$", $"is not a JSON object: {Problems.JsonReason(e)}");
                return;
            }
            // The line is the single-item endpoint's body plus "type", and "ref" to name it for later lines.
            var type = Take(line, body, "type");
            var reference = Take(line, body, "ref");
            try
            {
                switch (type)
                {
                    case "subject": await SubjectAsync(line, Read<CreateSubjectRequest>(body, "subject")); break;
                    case "source": await SourceAsync(line, reference, Read<CreateSourceRequest>(body, "source")); break;
                    case "passage": await PassageAsync(line, reference, body); break;
                    case "claim": await ClaimAsync(line, reference, body); break;
                    case null when RejectedCount > 0 && _rejected.LastOrDefault()?.Line == line: break;
                    default: Reject(line, "type", "must be one of: subject, source, passage, claim."); break;
                }
            }
            catch (JsonException e)
            {
                Reject(line, Problems.MissingField(e.Message) ?? Problems.FieldFromJsonPath(e.Path), Problems.JsonReason(e));
            }
        }

        private T Read<T>(JsonObject body, string what) => body.Deserialize<T>(json) ?? throw new JsonException($"A {what} line must be an object.");

        /// <summary>Takes a text member out of the line; a member of another type is rejected and reads as absent.</summary>
        private string? Take(long line, JsonObject body, string name)
        {
            if (!body.Remove(name, out var node) || node is null) return null;
            if (node is JsonValue value && value.TryGetValue<string>(out var text)) return text;
            Reject(line, name, "must be a string.");
            return null;
        }

        private bool Valid<T>(long line, IValidator<T> rules, T item, string prefix = "")
        {
            var result = rules.Validate(item);
            foreach (var error in result.Errors) Reject(line, prefix + error.PropertyName, error.ErrorMessage);
            if (Validation.FindNul(item, null) is { } nul)
            {
                Reject(line, prefix + nul, "contains the NUL character (U+0000), which text cannot hold.");
                return false;
            }
            return result.IsValid;
        }

        private async Task<long?> SubjectIdAsync(string name)
        {
            var key = name.Trim().ToLowerInvariant();
            if (_subjects.TryGetValue(key, out var id)) return id;
            if (_absentSubjects.Contains(key)) return null;
            if (await SubjectLookup.ByNameAsync(_lookups, _lookupTx, name, ct) is not { } found) return null;
            _subjects[key] = found.Id;
            return found.Id;
        }

        private async Task SubjectAsync(long line, CreateSubjectRequest s)
        {
            if (!Valid(line, SubjectRules, s)) return;
            long? broader = null;
            if (s.Broader is not null && (broader = await SubjectIdAsync(s.Broader)) is null)
            {
                Reject(line, "broader", $"no subject is named or aliased \"{s.Broader}\" in the database or earlier in the import.");
                return;
            }
            var name = CodePoints.Nfc(s.Name.Trim());
            var aliases = new[] { name }.Concat((s.Aliases ?? []).Select(a => CodePoints.Nfc(a.Trim()))).DistinctBy(a => a.ToLowerInvariant()).ToArray();
            foreach (var alias in aliases)
            {
                if (await SubjectIdAsync(alias) is { } taken)
                {
                    Reject(line, alias == name ? "name" : "aliases", $"\"{alias}\" already names subject {taken}.");
                    return;
                }
            }
            var id = await _ids.NextAsync("subjects");
            foreach (var alias in aliases) _subjects[alias.ToLowerInvariant()] = id;
            _importedSubjects.Add(id);
            _writer.Filling.Subjects.Add(new SubjectRow(id, name, s.Kind, s.Description, broader, aliases));
            Counts = Counts with { Subjects = Counts.Subjects + 1 };
        }

        private async Task SourceAsync(long line, string? reference, CreateSourceRequest s)
        {
            if (!Valid(line, SourceRules, s)) return;
            if (string.IsNullOrWhiteSpace(reference) || !_sourceRefs.TryAdd(reference, 0))
            {
                Reject(line, "ref", string.IsNullOrWhiteSpace(reference) ? "is required: later lines point at the source by it." : $"\"{reference}\" is used by an earlier source.");
                return;
            }
            var body = CodePoints.Nfc(s.Body);
            var sha = CreateSource.Sha256(body);
            var shaHex = Convert.ToHexStringLower(sha);
            var url = s.Url is null ? null : CreateSource.NormalizeUrl(s.Url);
            if (!_shas.Add(shaHex) || (_shasInDatabase.TryGetValue(shaHex, out var stored) ? stored : await _lookups.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "select exists (select 1 from source_revisions where body_sha256 = @sha)", new { sha }, _lookupTx, cancellationToken: ct))))
            {
                Reject(line, "body", "a source with this text already exists (in the database or earlier in the import).");
                return;
            }
            if (url is not null && (!_urls.Add(url) || (_urlsInDatabase.TryGetValue(url, out var taken) ? taken : await _lookups.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "select exists (select 1 from sources where url = @url)", new { url }, _lookupTx, cancellationToken: ct)))))
            {
                Reject(line, "url", "a source with this URL already exists (in the database or earlier in the import).");
                return;
            }
            var id = await _ids.NextAsync("sources");
            var revisionId = await _ids.NextAsync("source_revisions");
            _sourceRefs[reference] = id;
            _importedSources.Add(id);
            _reports[id] = new ReportContext(s.Language, PartialDate.ParseOrNull(s.Published));
            var text = new CodePoints(body);
            Remember(id, revisionId, text);
            var published = PartialDate.ParseOrNull(s.Published);
            _writer.Filling.Add(new SourceRow(id, revisionId, CodePoints.Nfc(s.Title.Trim()), s.Subtitle is null ? null : CodePoints.Nfc(s.Subtitle.Trim()),
                s.Outlet?.Trim(), [.. (s.Authors ?? []).Select(a => CodePoints.Nfc(a.Trim()))], url, s.Language, published,
                JsonSerializer.Serialize(s.Provenance ?? []), body, sha, text.Length, PartialDate.ParseOrNull(s.RetrievedOn)?.Start));
            Counts = Counts with { Sources = Counts.Sources + 1 };
        }

        private void Remember(long sourceId, long revisionId, CodePoints text)
        {
            _bodies[sourceId] = (revisionId, text);
            _bodyOrder.Enqueue(sourceId);
            _bodyChars += text.Text.Length;
        }

        private async Task<(long RevisionId, CodePoints Text)?> BodyAsync(long sourceId)
        {
            if (_bodies.TryGetValue(sourceId, out var cached)) return cached;
            // A source of this import is read back from the import's own writes, once they are done.
            var own = _importedSources.Contains(sourceId);
            if (own) await _writer.IdleAsync();
            var row = await (own ? connection : _lookups).QuerySingleOrDefaultAsync<(long Id, string Body)?>(new CommandDefinition(
                "select id, body from source_revisions where source_id = @sourceId order by number desc limit 1",
                new { sourceId }, own ? tx : _lookupTx, cancellationToken: ct));
            if (row is not { } found) return null;
            var text = new CodePoints(found.Body);
            Remember(sourceId, found.Id, text);
            return (found.Id, text);
        }

        private async Task<long?> SourceIdAsync(string? reference, long? id) =>
            reference is not null ? (_sourceRefs.TryGetValue(reference, out var byRef) && byRef != 0 ? byRef : null)
            : id is { } byId && (_importedSources.Contains(byId) || await _lookups.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from sources where id = @byId)", new { byId }, _lookupTx, cancellationToken: ct))) ? byId : null;

        /// <summary>Anchors a selector in a source of this import or of the database.</summary>
        /// <returns>The passage id, and whether the same span was already anchored (then it is that passage).</returns>
        private async Task<(long? Id, AnchorFailure? Failure, bool Known)> AnchorInAsync(long source, CreatePassageRequest selector)
        {
            var body = (await BodyAsync(source))!.Value;
            var (anchor, failure) = Anchoring.Resolve(body.Text, selector.Start, selector.End, selector.Exact, selector.Prefix, selector.Suffix);
            if (anchor is null) return (null, failure, false);
            var span = (body.RevisionId, anchor.Start, anchor.End);
            // A source of this import has no passages but those of this import.
            if (_spans.TryGetValue(span, out var known) || !_importedSources.Contains(source) && (known = await _lookups.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "select id from passages where revision_id = @RevisionId and start_offset = @Start and end_offset = @End",
                    new { body.RevisionId, anchor.Start, anchor.End }, _lookupTx, cancellationToken: ct)) ?? 0) != 0)
            {
                _spans[span] = known;
                return (known, null, true);
            }
            var id = await _ids.NextAsync("passages");
            _spans[span] = id;
            _passageSources[id] = source;
            _writer.Filling.Passages.Add(new PassageRow(id, source, body.RevisionId, anchor));
            Counts = Counts with { Passages = Counts.Passages + 1 };
            return (id, null, false);
        }

        private async Task PassageAsync(long line, string? reference, JsonObject body)
        {
            var sourceRef = Take(line, body, "source");
            var sourceId = body.Remove("sourceId", out var idNode) && idNode is not null ? idNode.Deserialize<long>(json) : (long?)null;
            var selector = Read<CreatePassageRequest>(body, "passage");
            if (!Valid(line, PassageRules, selector)) return;
            if ((sourceRef is null) == (sourceId is null))
            {
                Reject(line, "source", "give either source (a ref) or sourceId.");
                return;
            }
            if (reference is not null && _passageRefs.ContainsKey(reference))
            {
                Reject(line, "ref", $"\"{reference}\" is used by an earlier passage.");
                return;
            }
            if (await SourceIdAsync(sourceRef, sourceId) is not { } source)
            {
                Reject(line, sourceRef is not null ? "source" : "sourceId",
                    sourceRef is not null ? $"no source has the ref \"{sourceRef}\" earlier in the import." : $"no source has id {sourceId}.");
                return;
            }
            var (id, failure, known) = await AnchorInAsync(source, selector);
            if (failure is not null) Reject(line, failure.Field, failure.Reason);
            else if (known) Reject(line, "$", $"passage {id} already anchors the same span of this source.");
            else if (reference is not null) _passageRefs[reference] = (id!.Value, source);
        }

        private async Task ClaimAsync(long line, string? reference, JsonObject body)
        {
            if (reference is not null && !_claimRefs.Add(reference))
            {
                Reject(line, "ref", $"\"{reference}\" is used by an earlier claim.");
                return;
            }
            // Refs become ids first, so that the claim is read and checked as the very body of POST /claims.
            if (body["evidence"] is JsonArray evidence)
            {
                for (var i = 0; i < evidence.Count; i++)
                {
                    if (evidence[i] is not JsonObject item) continue;
                    if (Take(line, item, "passage") is { } passageRef)
                    {
                        if (!_passageRefs.TryGetValue(passageRef, out var passage))
                        {
                            Reject(line, $"evidence[{i}].passage", $"no passage has the ref \"{passageRef}\" earlier in the import.");
                            return;
                        }
                        item["passageId"] = passage.Id;
                    }
                    if (Take(line, item, "source") is { } sourceRef)
                    {
                        if (await SourceIdAsync(sourceRef, null) is not { } source)
                        {
                            Reject(line, $"evidence[{i}].source", $"no source has the ref \"{sourceRef}\" earlier in the import.");
                            return;
                        }
                        item["sourceId"] = source;
                    }
                }
            }
            var input = Read<CreateClaimRequest>(body, "claim");
            if (!Valid(line, ClaimRules, input)) return;

            var (resolved, failure) = await ClaimResolver.ResolveAsync(this, input);
            if (failure is not null)
            {
                Reject(line, failure.Field, failure.Reason);
                return;
            }
            var id = await _ids.NextAsync("claims");
            _claimIds.Add(id);
            _claimWholes[id] = (resolved!.Fields.Property.Id, resolved.Fields.Value.Kind == ValueKind.Quantity && resolved.Fields.PartOf is null);
            _writer.Filling.Claims.Add(new BufferedClaim(id, resolved!.Fields, [.. resolved.Evidence.Select(e => new EvidenceRow(id, e.PassageId, e.SourceId, e.Stance))]));
            Counts = Counts with { Claims = Counts.Claims + 1, Evidence = Counts.Evidence + resolved.Evidence.Count };
        }

        // The resolver's lookups, over what this import has read so far and what the database holds.
        Task<PropertyDetail?> IClaimLookups.PropertyAsync(string key) => Task.FromResult(_properties.GetValueOrDefault(key));

        Task<long?> IClaimLookups.SubjectByNameAsync(string nameOrAlias) => SubjectIdAsync(nameOrAlias);

        async Task<bool> IClaimLookups.SubjectExistsAsync(long id) =>
            _importedSubjects.Contains(id) || await SubjectLookup.ByIdAsync(_lookups, _lookupTx, id, ct) is not null;

        async Task<long?> IClaimLookups.PassageSourceAsync(long passageId) =>
            _passageSources.TryGetValue(passageId, out var source) ? source
            : await _lookups.ExecuteScalarAsync<long?>(new CommandDefinition(
                "select source_id from passages where id = @passageId", new { passageId }, _lookupTx, cancellationToken: ct));

        async Task<(long? PassageId, AnchorFailure? Failure, bool SourceMissing)> IClaimLookups.AnchorAsync(long sourceId, EvidenceInput selector)
        {
            if (await SourceIdAsync(null, sourceId) is not { } source) return (null, null, true);
            var (passageId, failure, _) = await AnchorInAsync(source,
                new CreatePassageRequest(selector.Start, selector.End, selector.Exact, selector.Prefix, selector.Suffix));
            return (passageId, failure, false);
        }

        async Task<long> IClaimLookups.AnonymousAsync(string description)
        {
            var id = await _ids.NextAsync("subjects");
            _importedSubjects.Add(id);
            _writer.Filling.Subjects.Add(new SubjectRow(id, description, "anonymous speaker", null, null, [], Anonymous: true));
            Counts = Counts with { Subjects = Counts.Subjects + 1 };
            return id;
        }

        async Task<ReportContext?> IClaimLookups.ReportAsync(long sourceId)
        {
            if (_reports.TryGetValue(sourceId, out var known)) return known;
            return (await _lookups.QuerySingleOrDefaultAsync<(string Language, DateOnly? PublishedOn, string? PublishedPrecision)?>(new CommandDefinition(
                "select language, published_on, published_precision from sources where id = @sourceId", new { sourceId }, _lookupTx, cancellationToken: ct)))
                is { } s ? new ReportContext(s.Language, PartialDate.FromDb(s.PublishedOn, s.PublishedPrecision)) : null;
        }

        async Task<(long PropertyId, bool CanBeWhole)?> IClaimLookups.WholeAsync(long claimId) =>
            _claimWholes.TryGetValue(claimId, out var known) ? known
            : await _lookups.QuerySingleOrDefaultAsync<(long PropertyId, bool CanBeWhole)?>(new CommandDefinition("""
                select property_id, status <> 'retracted' and value_kind = 'quantity' and part_of is null from claims where id = @claimId
                """, new { claimId }, _lookupTx, cancellationToken: ct));

        public async Task FlushAsync()
        {
            // Once a line is rejected nothing will be kept: stop writing, keep checking.
            if (RejectedCount > 0)
            {
                // Texts that are not written cannot be read back: from here on, every text stays for the rest of the checking.
                _writer.Filling.Clear();
                return;
            }
            await _writer.FlushAsync();
            // Written bodies can be read back from the database: keep only the recent ones in memory.
            while (_bodyOrder.Count > SourceBodyCache || _bodyChars > SourceBodyChars && _bodyOrder.Count > 0)
            {
                var id = _bodyOrder.Dequeue();
                _bodyChars -= _bodies[id].Text.Text.Length;
                _bodies.Remove(id);
            }
        }

        private const string StaleStatistics = """
            select c.reltuples < 0
                or coalesce(s.n_mod_since_analyze, 0) + @imported
                   > current_setting('autovacuum_analyze_threshold')::float8 + current_setting('autovacuum_analyze_scale_factor')::float8 * c.reltuples
            from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
            where c.oid = 'claims'::regclass
            """;

        /// <summary>Waits for the batches still being written; throws what a write threw.</summary>
        public Task WrittenAsync() => _writer.IdleAsync();

        /// <summary>Waits for a write still running, whatever its end, so that the transaction can be ended.</summary>
        public Task SettleAsync() => _writer.SettleAsync();

        /// <summary>Conflicts of every imported claim, set-wise, by the same rule as every single write (maintain_conflicts).</summary>
        public async Task<long> OpenConflictsAsync()
        {
            if (_claimIds.Count == 0) return 0;
            // Fresh statistics first where the import makes them stale: without them the planner takes the new rows
            // for a handful and compares every pair in a group instead of seeking through the GiST index. Stale means
            // what autovacuum means by it (its threshold and scale factor, over the rows changed since the last
            // ANALYZE and the imported ones): 20,000 claims into 1,000,000 move no statistic, and analyzing took 1.4 s
            // of such an import. maintain_conflicts then locks out concurrent claim writers (a batch this size takes
            // the table lock), so no pair is missed either way.
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(StaleStatistics, new { imported = _claimIds.Count }, tx, cancellationToken: ct)))
                await connection.ExecuteAsync(new CommandDefinition("analyze claims", transaction: tx, commandTimeout: 0, cancellationToken: ct));
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition("select maintain_conflicts(@ids, @curatorId)",
                new { ids = _claimIds.ToArray(), curatorId }, tx, commandTimeout: 0, cancellationToken: ct));
        }
    }

    /// <summary>Ids reserved from a table's identity sequence, a block at a time.</summary>
    private sealed class Ids(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        private const int Block = 10_000;
        private readonly Dictionary<string, Queue<long>> _free = [];

        public async Task<long> NextAsync(string table)
        {
            if (!_free.TryGetValue(table, out var queue)) _free[table] = queue = new Queue<long>();
            if (queue.Count == 0)
            {
                foreach (var id in await connection.QueryAsync<long>(new CommandDefinition(
                    $"select nextval(pg_get_serial_sequence('{table}', 'id')) from generate_series(1, {Block})", transaction: tx, cancellationToken: ct)))
                {
                    queue.Enqueue(id);
                }
            }
            return queue.Dequeue();
        }
    }
}

/// <summary>
/// What an import is doing: reading and checking lines, writing the last rows, computing conflicts, committing; then
/// how it ended: committed, refused (a line was rejected), or failed (it stopped on an error). Only committed wrote anything.
/// </summary>
public enum ImportPhase { Reading, Writing, Conflicts, Committing, Committed, Refused, Failed }

/// <summary>Passes a stream through, adding every byte read to a hash and to a count.</summary>
internal sealed class HashingStream(Stream inner, System.Security.Cryptography.IncrementalHash hash) : Stream
{
    private long _count;

    /// <summary>Bytes read so far; read from another thread by progress reports.</summary>
    public long Count => Interlocked.Read(ref _count);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        hash.AppendData(buffer, offset, n);
        Interlocked.Add(ref _count, n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        hash.AppendData(buffer.Span[..n]);
        Interlocked.Add(ref _count, n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
