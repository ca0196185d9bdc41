using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>JSON a request carries, read in full before it is used.</summary>
public static class JsonTexts
{
    /// <summary>Reads every text now, so that one a string cannot hold (a lone surrogate) is refused with its path.</summary>
    public static void ReadAllText(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o) ReadAllText(child);
                break;
            case JsonArray a:
                foreach (var child in a) ReadAllText(child);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    v.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    throw new JsonException("The text is not valid Unicode (a lone surrogate).", v.GetPath(), null, null);
                }
                break;
        }
    }
}
