using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Npgsql;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClaimTracker.Api.Seeds;

/// <summary>
/// The curated claims of one seed article (seeds/claims/KEY.yaml): the subjects they need and the claims, each with
/// its passages quoted from the article. Each item is read as the JSON record an API client or an import line sends
/// (the same input model, strict options and validator) and written through the same code as POST /subjects and
/// POST /claims, so a seed claim obeys every rule an API claim does; a failure names the file and line.
/// </summary>
public static class SeedClaims
{
    private static readonly JsonSerializerOptions JsonOptions = CreateOptions();
    private static readonly CreateClaimRequest.Validator ClaimRules = new();
    private static readonly CreateSubjectRequest.Validator SubjectRules = new();

    /// <summary>Writes the file's subjects and claims inside the article's transaction.</summary>
    /// <param name="keys">Claim keys seen so far, across files, with the claim id each names.</param>
    public static async Task LoadAsync(WriteContext w, string path, string yaml, long sourceId, Dictionary<string, long> keys)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map ? map : new YamlMappingNode();
        }
        catch (YamlException e)
        {
            throw new SeedException($"{path}, line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
        foreach (var key in root.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).Where(k => k is not ("subjects" or "claims")))
        {
            throw new SeedException($"{path}: '{key}' is not a section of a claims file (subjects, claims).");
        }

        foreach (var item in Items(root, "subjects"))
        {
            var subject = Read<CreateSubjectRequest>(item, path);
            var invalid = SubjectRules.Validate(subject);
            if (!invalid.IsValid) throw new SeedException($"{At(path, item)}: " + string.Join(" ", invalid.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            if (await SubjectLookup.ByNameAsync(w.Connection, w.Transaction, subject.Name, w.Ct) is { } known)
            {
                // Listed again (by a later file): its new aliases join it, unless another subject has them.
                await w.Connection.ExecuteAsync(new CommandDefinition("""
                    insert into subject_aliases (subject_id, alias) select @id, unnest(@aliases) on conflict (alias_key) do nothing
                    """, new { id = known.Id, aliases = (subject.Aliases ?? []).Select(CodePoints.Nfc).ToArray() }, w.Transaction, cancellationToken: w.Ct));
                await SubjectChanges.RefreshClaimsAsync(w, known.Id);
                continue;
            }
            var created = await CreateSubject.InsertAsync(w.Connection, w.Transaction, subject, w.CuratorId, w.Ct);
            if (created.Problem is not null) throw new SeedException($"{At(path, item)}, subject \"{subject.Name}\": {Describe(created.Problem)}");
        }

        foreach (var item in Items(root, "claims"))
        {
            var at = At(path, item);
            var json = ToJson(item)!.AsObject();
            var key = Take(json, "key");
            var target = Take(json, "addEvidenceTo");
            // The article's passages: every evidence item quotes this file's article.
            if (json["evidence"] is JsonArray evidence)
            {
                foreach (var e in evidence.OfType<JsonObject>()) e["sourceId"] = sourceId;
            }

            if (target is not null)
            {
                if (!keys.TryGetValue(target, out var claimId)) throw new SeedException($"{at}: addEvidenceTo names no earlier claim \"{target}\".");
                if (key is not null || json.Any(p => p.Key != "evidence"))
                {
                    throw new SeedException($"{at}: addEvidenceTo takes only evidence; the claim's other fields are where it was made.");
                }
                var items = Deserialize<EvidenceInput[]>(json["evidence"] ?? new JsonArray(), at, "evidence");
                if (items.Length == 0) throw new SeedException($"{at}: addEvidenceTo needs evidence.");
                var (claim, locked) = await ClaimWrites.LockAsync(w, claimId, null);
                if (claim is null) throw new SeedException($"{at}: {Describe(locked!)}");
                var (_, refused) = await ClaimWrites.AddEvidenceAsync(w, claim, items);
                if (refused is not null) throw new SeedException($"{at}: {Describe(refused)}");
                continue;
            }

            var input = Deserialize<CreateClaimRequest>(json, at, "$");
            var validation = ClaimRules.Validate(input);
            if (!validation.IsValid)
            {
                throw new SeedException($"{at}: " + string.Join(" ", validation.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            }
            var (written, problem) = await ClaimWrites.CreateAsync(w, input);
            if (problem is not null) throw new SeedException($"{at}: {Describe(problem)}");
            if (key is not null)
            {
                if (!keys.TryAdd(key, written!.Id)) throw new SeedException($"{at}: the key \"{key}\" is used twice.");
                await w.Connection.ExecuteAsync(new CommandDefinition(
                    "insert into seed_claim_keys (key, claim_id) values (@key, @id)", new { key, id = written.Id }, w.Transaction, cancellationToken: w.Ct));
            }
        }
    }

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode root, string section) =>
        root.Children.TryGetValue(new YamlScalarNode(section), out var node) && node is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>()
            : [];

    private static string At(string path, YamlNode node) => $"{path}, line {node.Start.Line}";

    private static string? Take(JsonObject json, string name)
    {
        if (!json.Remove(name, out var node) || node is null) return null;
        return node.GetValue<string>();
    }

    private static T Read<T>(YamlMappingNode item, string path) => Deserialize<T>(ToJson(item)!, At(path, item), "$");

    private static T Deserialize<T>(JsonNode json, string at, string what)
    {
        try
        {
            return json.Deserialize<T>(JsonOptions) ?? throw new SeedException($"{at}: {what} is empty.");
        }
        catch (JsonException e)
        {
            throw new SeedException($"{at}: {Problems.FieldFromJsonPath(e.Path)}: {Problems.JsonReason(e)}");
        }
    }

    /// <summary>
    /// YAML to JSON by the YAML core schema: a plain scalar that reads as a number, true, false or null is one; a
    /// quoted scalar is always text (so dates are quoted: "2024-09").
    /// </summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => plain.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var text when decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                => JsonValue.Create(number),
            var text => JsonValue.Create(text),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        return options;
    }

    private static string Describe(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "refused";
}
