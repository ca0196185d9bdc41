using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Sources;

/// <param name="Published">The published date as precisely as known: YYYY, YYYY-MM or YYYY-MM-DD.</param>
/// <param name="RetrievedOn">The day this text was retrieved (YYYY-MM-DD).</param>
/// <param name="Provenance">Where each metadata value came from, keyed by field name.</param>
/// <param name="RepublishesSourceId">The source this one copies, by id, e.g. 2: a newspaper's copy of a wire story. Its
/// claims in the source's own voice are then that story's voice, counted once with it.</param>
/// <param name="RepublishesAgency">The agency whose story this is, by subject name or alias, e.g. Reuters, when the original
/// is not stored ("(Reuters) -" above the text): the source's own voice is then the agency's.</param>
public sealed record CreateSourceRequest(
    string Title,
    string Body,
    string Language,
    string? Subtitle = null,
    string? Outlet = null,
    string[]? Authors = null,
    string? Url = null,
    string? Published = null,
    string? RetrievedOn = null,
    Dictionary<string, string>? Provenance = null,
    long? RepublishesSourceId = null,
    string? RepublishesAgency = null)
{
    /// <summary>The longest article text accepted, in UTF-16 code units (a long feature is some 100,000).</summary>
    public const int MaxBodyLength = 1_000_000;

    public sealed class Validator : AbstractValidator<CreateSourceRequest>
    {
        private static readonly string[] Fields = ["title", "subtitle", "outlet", "authors", "url", "language", "published", "retrievedOn", "body"];

        public Validator()
        {
            RuleFor(r => r.Title).NotEmpty().MaximumLength(1_000);
            RuleFor(r => r.Body).Must(b => !string.IsNullOrWhiteSpace(b)).WithMessage("must not be empty.").MaximumLength(MaxBodyLength);
            RuleFor(r => r.Language).NotEmpty().MaximumLength(35).Matches("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
                .WithMessage("must be a BCP 47 language tag such as 'en' or 'ar-IQ'.");
            RuleFor(r => r.Subtitle).MaximumLength(2_000);
            RuleFor(r => r.Outlet).MaximumLength(200).Must(o => o is null || o.Trim().Length > 0).WithMessage("must not be blank.");
            RuleFor(r => r.Authors).MaxItems(50).WithMessage("must list at most 50 authors.");
            RuleForEach(r => r.Authors).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Url).MaximumLength(2_000)
                .Must(u => u is null || CreateSource.NormalizeUrl(u) is not null).WithMessage("must be an absolute http or https URL.");
            RuleFor(r => r.Published).PartialDate()
                .Must(p => PartialDate.ParseOrNull(p) is not { } d || d.Start <= DateOnly.FromDateTime(DateTime.UtcNow))
                .WithMessage("must not be in the future.");
            RuleFor(r => r.RetrievedOn).PartialDate(dayOnly: true);
            RuleFor(r => r.RepublishesSourceId).GreaterThan(0);
            RuleFor(r => r.RepublishesAgency).MaximumLength(200).Must(a => a is null || a.Trim().Length > 0).WithMessage("must not be blank.");
            RuleFor(r => r.Provenance)
                .Must(p => p is null || p.Keys.All(Fields.Contains))
                .WithMessage($"keys must be field names of the source: {string.Join(", ", Fields)}.")
                .Must(p => p is null || p.Values.All(v => v is not null))
                .WithMessage("notes must be text, not null.")
                .ValuesMaxLength(2_000).WithMessage("notes must be at most 2000 characters.")
                .MaxItems(Fields.Length).WithMessage("has at most one note per field.");
        }
    }
}

public static class CreateSource
{
    public static async Task<Results<Created<SourceDetail>, ProblemHttpResult>> Handle(
        CreateSourceRequest request, NpgsqlDataSource db, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        if (await FindDuplicateAsync(connection, tx, request, ct) is { } duplicate)
        {
            return DuplicateProblem(duplicate);
        }

        var (republishes, failure) = await ResolveRepublishesAsync(connection, tx, request, ct);
        if (failure is not null) return failure;

        long id;
        try
        {
            id = await InsertAsync(connection, tx, request, write.CuratorId, ct, republishes);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another request stored the same text or URL between our check and our insert.
            await tx.RollbackAsync(ct);
            await using var again = await db.OpenConnectionAsync(ct);
            if (await FindDuplicateAsync(again, null, request, ct) is { } winner) return DuplicateProblem(winner);
            throw;
        }
        var created = await GetSource.LoadAsync(connection, tx, id, null, ct);
        return await write.CommitAsync(TypedResults.Created($"/sources/{id}", created), ct);
    }

    /// <summary>What a source republishes, resolved: the stored original and the agency (a subject), or why not.</summary>
    public sealed record Republishes(long? SourceId, long? AgencyId);

    private static async Task<(Republishes?, ProblemHttpResult?)> ResolveRepublishesAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, CreateSourceRequest request, CancellationToken ct)
    {
        if (request.RepublishesSourceId is null && request.RepublishesAgency is null) return (null, null);
        if (request.RepublishesSourceId is { } original && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from sources where id = @original)", new { original }, tx, cancellationToken: ct)))
        {
            return (null, Problems.Unprocessable("republishesSourceId", $"no source has id {original}."));
        }
        long? agency = null;
        if (request.RepublishesAgency is { } name)
        {
            agency = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "select subject_id from subject_aliases where alias_key = lower(btrim(@name))", new { name }, tx, cancellationToken: ct));
            if (agency is null)
            {
                return (null, Problems.Unprocessable("republishesAgency", $"no subject is named or aliased \"{name.Trim()}\"; create it first (POST /subjects)."));
            }
        }
        return (new Republishes(request.RepublishesSourceId, agency), null);
    }

    /// <summary>Writes a source and its first revision inside the caller's transaction.</summary>
    public static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CreateSourceRequest request, long curatorId,
        CancellationToken ct, Republishes? republishes = null)
    {
        var body = CodePoints.Nfc(request.Body);
        var published = PartialDate.ParseOrNull(request.Published);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into sources (title, subtitle, outlet, authors, url, language, published_on, published_precision, provenance, created_by,
                                 republishes_source_id, republishes_agency_id)
            values (@Title, @Subtitle, @Outlet, @Authors, @Url, @Language, @PublishedOn, @PublishedPrecision, @Provenance::jsonb, @CuratorId,
                    @RepublishesSourceId, @RepublishesAgencyId)
            returning id
            """,
            new
            {
                Title = CodePoints.Nfc(request.Title.Trim()),
                Subtitle = request.Subtitle is null ? null : CodePoints.Nfc(request.Subtitle.Trim()),
                Outlet = request.Outlet?.Trim(),
                Authors = (request.Authors ?? []).Select(a => CodePoints.Nfc(a.Trim())).ToArray(),
                Url = request.Url is null ? null : NormalizeUrl(request.Url),
                request.Language,
                PublishedOn = published?.Start,
                PublishedPrecision = published?.PrecisionName,
                Provenance = JsonSerializer.Serialize(request.Provenance ?? []),
                CuratorId = curatorId,
                RepublishesSourceId = republishes?.SourceId,
                RepublishesAgencyId = republishes?.AgencyId,
            }, tx, cancellationToken: ct));

        await connection.ExecuteAsync(new CommandDefinition("""
            insert into source_revisions (source_id, number, body, body_sha256, length, retrieved_on, created_by)
            values (@id, 1, @body, @sha, @length, @retrievedOn, @curatorId)
            """,
            new
            {
                id, body, sha = Sha256(body), length = CodePoints.Count(body),
                retrievedOn = PartialDate.ParseOrNull(request.RetrievedOn)?.Start, curatorId,
            }, tx, cancellationToken: ct));
        await SourceFingerprints.WriteAsync(connection, tx, id, 1, body, ct);
        return id;
    }

    public static byte[] Sha256(string body) => SHA256.HashData(Encoding.UTF8.GetBytes(body));

    /// <summary>Scheme and host in lower case, no fragment: the form two submissions of one address share.</summary>
    public static string? NormalizeUrl(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped)
            : null;

    private sealed record Duplicate(long Id, string Title, string Matched);

    private static async Task<Duplicate?> FindDuplicateAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CreateSourceRequest request, CancellationToken ct) =>
        await connection.QueryFirstOrDefaultAsync<Duplicate>(new CommandDefinition("""
            select s.id, s.title, 'body' as matched
            from source_revisions r join sources s on s.id = r.source_id
            where r.body_sha256 = @sha
            union all
            select id, title, 'url' from sources where url = @url
            limit 1
            """,
            new { sha = Sha256(CodePoints.Nfc(request.Body)), url = request.Url is null ? null : NormalizeUrl(request.Url) },
            tx, cancellationToken: ct));

    private static ProblemHttpResult DuplicateProblem(Duplicate duplicate) =>
        Problems.Conflict(
            "The source already exists.",
            $"Source {duplicate.Id} (\"{duplicate.Title}\") already has this {(duplicate.Matched == "body" ? "text" : "URL")}.",
            new Dictionary<string, object?>
            {
                ["field"] = duplicate.Matched,
                ["existingSourceId"] = duplicate.Id,
                ["existing"] = $"/sources/{duplicate.Id}",
            });
}
