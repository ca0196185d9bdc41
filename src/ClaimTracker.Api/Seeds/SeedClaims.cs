using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization;

namespace ClaimTracker.Api.Seeds;

/// <summary>
/// The curated claims of one seed article (seeds/claims/KEY.yaml): the subjects they need and the claims, each
/// with its passages quoted from the article. Written through the same code as POST /subjects and POST /claims,
/// so a seed claim obeys every rule an API claim does; a failure names the file and line.
/// </summary>
public static class SeedClaims
{
    public sealed class File
    {
        public List<Subject> Subjects { get; set; } = [];
        public List<Claim> Claims { get; set; } = [];
    }

    public sealed class Subject
    {
        public string Name { get; set; } = "";
        public string? Kind { get; set; }
        public string? Description { get; set; }
        public List<string>? Aliases { get; set; }
        public string? Broader { get; set; }
    }

    public sealed class Claim
    {
        /// <summary>A name for the claim, unique across the seed files, so another file can add evidence to it.</summary>
        public string? Key { get; set; }
        /// <summary>Instead of a new claim: the key of a claim (from an earlier file) this article also reports.</summary>
        public string? AddEvidenceTo { get; set; }
        public string? Subject { get; set; }
        public string? Property { get; set; }
        public Value? Value { get; set; }
        public string? AssertedBy { get; set; }
        public string? ValidAt { get; set; }
        public string? ValidFrom { get; set; }
        public string? ValidTo { get; set; }
        public string? StatedOn { get; set; }
        public string? Location { get; set; }
        public string? Note { get; set; }
        public string? Status { get; set; }
        public string? Rank { get; set; }
        public List<Evidence> Evidence { get; set; } = [];
    }

    public sealed class Value
    {
        public string Kind { get; set; } = "";
        public decimal? Amount { get; set; }
        public decimal? LowerBound { get; set; }
        public decimal? UpperBound { get; set; }
        public string? Unit { get; set; }
        public string? Approximation { get; set; }
        public decimal? Tolerance { get; set; }
        public string? Date { get; set; }
        public string? Modifier { get; set; }
        public string? Text { get; set; }
        public string? Stance { get; set; }
        public string? Proposition { get; set; }
        public string? StatedAs { get; set; }
    }

    public sealed class Evidence
    {
        public string Exact { get; set; } = "";
        public string? Prefix { get; set; }
        public string? Suffix { get; set; }
        public string? Stance { get; set; }
    }

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Writes the file's subjects and claims inside the article's transaction.</summary>
    /// <param name="keys">Claim keys seen so far, across files, with the claim id each names.</param>
    public static async Task LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string path, string yaml, long sourceId, long curatorId,
        Dictionary<string, long> keys, CancellationToken ct)
    {
        File file;
        List<int> claimLines;
        try
        {
            file = Reader.Deserialize<File>(yaml) ?? new File();
            claimLines = ClaimLines(yaml);
        }
        catch (YamlException e)
        {
            throw new SeedException($"{path}, line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        foreach (var subject in file.Subjects)
        {
            if (await SubjectLookup.ByNameAsync(connection, tx, subject.Name, ct) is { } known)
            {
                // Listed again (by a later file): its new aliases join it, unless another subject has them.
                await connection.ExecuteAsync(new CommandDefinition("""
                    insert into subject_aliases (subject_id, alias) select @id, unnest(@aliases) on conflict (alias_key) do nothing
                    """, new { id = known.Id, aliases = (subject.Aliases ?? []).Select(CodePoints.Nfc).ToArray() }, tx, cancellationToken: ct));
                continue;
            }
            var created = await CreateSubject.InsertAsync(connection, tx,
                new CreateSubjectRequest(subject.Name, subject.Kind, subject.Description, subject.Aliases?.ToArray(), subject.Broader), curatorId, ct);
            if (created.Problem is not null) throw new SeedException($"{path}, subject \"{subject.Name}\": {Describe(created.Problem)}");
        }

        for (var i = 0; i < file.Claims.Count; i++)
        {
            var seed = file.Claims[i];
            var at = $"{path}, line {(i < claimLines.Count ? claimLines[i] : 0)}";
            var evidence = seed.Evidence.Select(e => new EvidenceInput(
                SourceId: sourceId, Exact: e.Exact, Prefix: e.Prefix, Suffix: e.Suffix,
                Stance: e.Stance is null ? EvidenceStance.Supports : Enum<EvidenceStance>(e.Stance, at, "stance"))).ToArray();

            if (seed.AddEvidenceTo is { } target)
            {
                if (!keys.TryGetValue(target, out var claimId)) throw new SeedException($"{at}: addEvidenceTo names no earlier claim \"{target}\".");
                if (evidence.Length == 0) throw new SeedException($"{at}: addEvidenceTo needs evidence.");
                if (seed.Key is not null || seed.Subject is not null || seed.Property is not null || seed.Value is not null)
                {
                    throw new SeedException($"{at}: addEvidenceTo takes only evidence; the claim's other fields are where it was made.");
                }
                var (resolved, problem) = await ClaimEvidence.ResolveAsync(connection, tx, evidence, curatorId, "evidence", ct);
                if (problem is not null) throw new SeedException($"{at}: {Describe(problem)}");
                var before = (await ClaimQuery.LoadAsync(connection, tx, claimId, ct))!;
                if (await ClaimEvidence.LinkAsync(connection, tx, claimId, resolved, curatorId, ct) == 0)
                {
                    throw new SeedException($"{at}: every passage given is already evidence of \"{target}\".");
                }
                await ClaimWriter.TouchAsync(connection, tx, claimId, null, curatorId, ct);
                await ClaimWriter.RefreshSearchAsync(connection, tx, claimId, ct);
                await ConflictMaintenance.MaintainAsync(connection, tx, [claimId], curatorId, ct);
                var after = (await ClaimQuery.LoadAsync(connection, tx, claimId, ct))!;
                await ClaimWriter.RecordAsync(connection, tx, claimId, "evidence_added", null, before, after, curatorId, ct);
                continue;
            }

            var v = seed.Value ?? throw new SeedException($"{at}: value is required.");
            var request = new CreateClaimRequest(
                seed.Property ?? "",
                new ClaimValueInput(
                    Enum<ValueKind>(v.Kind, at, "value.kind"), v.Amount, v.LowerBound, v.UpperBound, v.Unit,
                    v.Approximation is null ? null : Enum<Approximation>(v.Approximation, at, "value.approximation"), v.Tolerance, v.Date,
                    v.Modifier is null ? null : Enum<TimeModifier>(v.Modifier, at, "value.modifier"), v.Text,
                    v.Stance is null ? null : Enum<Stance>(v.Stance, at, "value.stance"), v.Proposition, v.StatedAs),
                evidence,
                Subject: seed.Subject, AssertedBy: seed.AssertedBy, ValidAt: seed.ValidAt, ValidFrom: seed.ValidFrom, ValidTo: seed.ValidTo,
                StatedOn: seed.StatedOn, Location: seed.Location, Note: seed.Note,
                Status: seed.Status is null ? ClaimStatus.Draft : Enum<ClaimStatus>(seed.Status, at, "status"),
                Rank: seed.Rank is null ? ClaimRank.Normal : Enum<ClaimRank>(seed.Rank, at, "rank"));

            var validation = new CreateClaimRequest.Validator().Validate(request);
            if (!validation.IsValid)
            {
                throw new SeedException($"{at}: " + string.Join(" ", validation.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            }
            var (claim, writeProblem) = await CreateClaim.WriteAsync(connection, tx, request, curatorId, ct);
            if (writeProblem is not null) throw new SeedException($"{at}: {Describe(writeProblem)}");
            if (seed.Key is { } key)
            {
                if (!keys.TryAdd(key, claim!.Id)) throw new SeedException($"{at}: the key \"{key}\" is used twice.");
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into seed_claim_keys (key, claim_id) values (@key, @id)", new { key, id = claim.Id }, tx, cancellationToken: ct));
            }
        }
    }

    /// <summary>The line of each item of the top-level claims list.</summary>
    private static List<int> ClaimLines(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return [];
        return root.Children.TryGetValue(new YamlScalarNode("claims"), out var claims) && claims is YamlSequenceNode list
            ? [.. list.Children.Select(c => (int)c.Start.Line)]
            : [];
    }

    private static T Enum<T>(string text, string at, string field) where T : struct, System.Enum =>
        ClaimFilter.TryEnum<T>(text, out var value) ? value : throw new SeedException($"{at}: {field} must be one of: {DbEnum.Names<T>()}.");

    private static string Describe(ProblemHttpResult problem) => problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "refused";
}
