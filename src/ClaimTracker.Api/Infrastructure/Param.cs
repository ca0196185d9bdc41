using System.Globalization;
using System.Reflection;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>A value that reads itself from a query string or route segment, and says what it expects in words.</summary>
public interface IQueryValue<TSelf> where TSelf : IQueryValue<TSelf>
{
    /// <summary>What a valid value looks like, for the 400 that names the parameter: "a number, such as 2500 or 2,500".</summary>
    static abstract string Expected { get; }

    static abstract bool TryRead(string text, out TSelf value);

    /// <summary>How the value looks in the contract: a string in the stated form unless the type says otherwise.</summary>
    static virtual void Describe(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.String;
        schema.Description = "Must be " + TSelf.Expected;
    }
}

/// <summary>
/// A query or route value as the client wrote it, read into <typeparamref name="T"/>. It always binds, so the framework
/// never answers with a 400 of its own: the validation filter (<see cref="Validation"/>) refuses the request, naming
/// the parameter and saying what it expects, when the text did not read. Handlers see only valid values.
/// </summary>
public readonly struct Param<T> : IParsable<Param<T>>
{
    private readonly T? _value;

    private Param(string raw, bool valid, T? value)
    {
        Raw = raw;
        IsValid = valid;
        _value = value;
    }

    /// <summary>The text as sent.</summary>
    public string Raw { get; }

    public bool IsValid { get; }

    public T Value => IsValid ? _value! : throw new InvalidOperationException($"The value \"{Raw}\" did not read; the validation filter refuses it first.");

    /// <summary>What a valid value looks like, in words.</summary>
    public static string Expected => Reader.Expected;

    public static Param<T> Of(T value) => new(value?.ToString() ?? "", true, value);

    public static bool TryParse(string? s, IFormatProvider? provider, out Param<T> result)
    {
        var raw = s ?? "";
        result = Reader.Read(raw, out var value) ? new Param<T>(raw, true, value) : new Param<T>(raw, false, default);
        return true;
    }

    public static Param<T> Parse(string s, IFormatProvider? provider)
    {
        TryParse(s, provider, out var result);
        return result;
    }

    public override string ToString() => Raw;

    private delegate bool ReadFn(string text, out T value);

    /// <summary>How <typeparamref name="T"/> reads, found once per type.</summary>
    private static class Reader
    {
        public static readonly string Expected;
        private static readonly ReadFn ReadText;

        static Reader()
        {
            var type = typeof(T);
            if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQueryValue<>)))
            {
                Expected = (string)type.GetProperty(nameof(Expected), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
                ReadText = type.GetMethod("TryRead", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<ReadFn>();
            }
            else if (type.IsEnum)
            {
                var names = Enum.GetValues(type).Cast<Enum>().ToDictionary(v => v.Db(), v => (T)(object)v);
                Expected = "one of: " + string.Join(", ", names.Keys) + ".";
                ReadText = (string text, out T value) => names.TryGetValue(text.Trim().ToLowerInvariant(), out value!);
            }
            else if (type == typeof(long) || type == typeof(int))
            {
                Expected = "a whole number.";
                ReadText = type == typeof(long)
                    ? (string text, out T value) => { var ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n); value = (T)(object)n; return ok; }
                    : (string text, out T value) => { var ok = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n); value = (T)(object)n; return ok; };
            }
            else if (type == typeof(bool))
            {
                Expected = "true or false.";
                ReadText = (string text, out T value) => { var ok = bool.TryParse(text, out var b); value = (T)(object)b; return ok; };
            }
            else if (type == typeof(DateOnly))
            {
                Expected = "a date written as YYYY-MM-DD.";
                ReadText = (string text, out T value) =>
                {
                    var ok = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d);
                    value = (T)(object)d;
                    return ok;
                };
            }
            else
            {
                throw new InvalidOperationException($"Param<{type.Name}>: {type.Name} is not a query value (implement IQueryValue).");
            }
        }

        public static bool Read(string text, out T value) => ReadText(text, out value);
    }
}

/// <summary>The parameters of a request that did not read, named as the client wrote them.</summary>
internal static class ParamChecks
{
    private sealed record Check(string Name, Func<object, object?> Get);

    private static readonly Dictionary<Type, Check[]> Records = [];
    private static readonly Lock RecordsLock = new();

    public static bool IsParam(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(Param<>);

    /// <summary>Whether a handler argument can hold a value that did not read: a Param, a Param array, or a record of them.</summary>
    public static bool Inspects(Type type) => IsParam(type) || type.IsArray && IsParam(type.GetElementType()!) || ChecksOf(type).Length > 0;

    /// <returns>The first parameter that did not read (name, reason), or null.</returns>
    public static (string Name, string Reason)? FirstInvalid(object? argument, string name)
    {
        switch (argument)
        {
            case null:
                return null;
            case Array items when IsParam(items.GetType().GetElementType()!):
                // A repeated query parameter (facet=a&facet=b): the client wrote no index, so the error names the
                // parameter and quotes the value that did not read.
                foreach (var item in items)
                {
                    if (Invalid(item) is { } reason) return (name, $"{reason[..^1]}; \"{item}\" is not.");
                }
                return null;
            default:
                if (IsParam(argument.GetType())) return Invalid(argument) is { } why ? (name, why) : null;
                foreach (var check in ChecksOf(argument.GetType()))
                {
                    if (FirstInvalid(check.Get(argument), check.Name) is { } hit) return hit;
                }
                return null;
        }
    }

    private static string? Invalid(object? param)
    {
        if (param is null) return null;
        var type = param.GetType();
        if ((bool)type.GetProperty(nameof(Param<int>.IsValid))!.GetValue(param)!) return null;
        return "must be " + (string)type.GetProperty(nameof(Param<int>.Expected), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    /// <summary>The Param properties of an [AsParameters] record, each with its query name.</summary>
    private static Check[] ChecksOf(Type type)
    {
        if (type.Assembly != typeof(ParamChecks).Assembly || type.IsEnum || IsParam(type)) return [];
        lock (RecordsLock)
        {
            if (Records.TryGetValue(type, out var known)) return known;
            var checks = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && (IsParam(p.PropertyType) || p.PropertyType.IsArray && IsParam(p.PropertyType.GetElementType()!)))
                .Select(p => new Check(p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name ?? p.Name, p.GetValue))
                .ToArray();
            Records[type] = checks;
            return checks;
        }
    }
}
