using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentValidation;

namespace ClaimTracker.Api.Infrastructure;

internal static class ValidationNames
{
    /// <summary>
    /// Error messages name fields as clients write them (camelCase), not as C# properties. Set when the assembly
    /// loads, before any validator is built: validators read the names once, and some are built before a host is
    /// (the seed loader's, the import's).
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }
}
