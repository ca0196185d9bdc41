using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>A rule whose limit the contract states (the validators FluentValidation has are read as they are).</summary>
public interface IContractRule
{
    void Declare(OpenApiSchema schema);
}

/// <summary>
/// The limits the server applies, declared in the contract from where they are enforced: each request body field
/// from its FluentValidation rules (lengths, ranges, patterns, list sizes), so a limit is written once.
/// </summary>
public static class ContractLimits
{
    /// <summary>Schema transformer: a property of a request type with a validator gets that validator's limits.</summary>
    public static Task FromValidators(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is not { DeclaringType: var owner, AttributeProvider: PropertyInfo property }) return Task.CompletedTask;
        if (context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(owner)) is not IValidator validator) return Task.CompletedTask;
        Declare(schema, validator, property.Name);
        return Task.CompletedTask;
    }

    /// <summary>Writes the limits of <paramref name="member"/>'s rules into its schema (and into its items' for RuleForEach).</summary>
    public static void Declare(OpenApiSchema schema, IValidator validator, string member)
    {
        foreach (var rule in Rules(validator, member))
        {
            var target = IsForEach(rule) ? schema.Items as OpenApiSchema : schema;
            if (target is null) continue;
            foreach (var component in rule.Components) Declare(target, component.Validator);
        }
    }

    /// <summary>A member's rules, under its C# name or the camelCase one the validators name fields by (see Setup).</summary>
    private static IEnumerable<IValidationRule> Rules(IValidator validator, string member)
    {
        var descriptor = validator.CreateDescriptor();
        return descriptor.GetRulesForMember(member)
            .Concat(descriptor.GetRulesForMember(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member)))
            .Distinct();
    }

    private static bool IsForEach(IValidationRule rule) =>
        rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));

    private static void Declare(OpenApiSchema schema, IPropertyValidator validator)
    {
        switch (validator)
        {
            case IContractRule rule:
                rule.Declare(schema);
                break;
            case ILengthValidator length:
                if (length.Max >= 0) schema.MaxLength = Min(schema.MaxLength, length.Max);
                if (length.Min > 0) schema.MinLength = Math.Max(schema.MinLength ?? 0, length.Min);
                break;
            case IBetweenValidator between when validator.Name == "InclusiveBetweenValidator":
                schema.Minimum = Number(between.From);
                schema.Maximum = Number(between.To);
                break;
            case IBetweenValidator between:
                schema.ExclusiveMinimum = Number(between.From);
                schema.ExclusiveMaximum = Number(between.To);
                break;
            case IComparisonValidator { ValueToCompare: { } value } comparison:
                switch (comparison.Comparison)
                {
                    case Comparison.GreaterThanOrEqual: schema.Minimum = Number(value); break;
                    case Comparison.GreaterThan: schema.ExclusiveMinimum = Number(value); break;
                    case Comparison.LessThanOrEqual: schema.Maximum = Number(value); break;
                    case Comparison.LessThan: schema.ExclusiveMaximum = Number(value); break;
                }
                break;
            case IRegularExpressionValidator regex:
                schema.Pattern = regex.Expression;
                break;
            case INotEmptyValidator when Is(schema, JsonSchemaType.String):
                schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                break;
            case INotEmptyValidator when Is(schema, JsonSchemaType.Array):
                schema.MinItems = Math.Max(schema.MinItems ?? 0, 1);
                break;
        }
    }

    private static int Min(int? current, int limit) => current is { } c ? Math.Min(c, limit) : limit;

    private static bool Is(OpenApiSchema schema, JsonSchemaType type) => schema.Type is { } t && t.HasFlag(type);

    private static string? Number(object? value) => value switch
    {
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>
    /// Integers without a declared range get their type's: int32 and int64 are what the server can read, and a
    /// value past them is a 400 naming the field.
    /// </summary>
    public static void TypeRange(OpenApiSchema schema)
    {
        if (!Is(schema, JsonSchemaType.Integer)) return;
        var (min, max) = schema.Format == "int32" ? ((long)int.MinValue, (long)int.MaxValue) : (long.MinValue, long.MaxValue);
        if (schema.Minimum is null && schema.ExclusiveMinimum is null) schema.Minimum = min.ToString(CultureInfo.InvariantCulture);
        if (schema.Maximum is null && schema.ExclusiveMaximum is null) schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The longest value <paramref name="member"/> of <typeparamref name="T"/> may hold, as its validator says.</summary>
    public static int MaxLength<T>(string member) where T : class
    {
        var validator = (IValidator)Activator.CreateInstance(typeof(T).GetNestedType("Validator")!)!;
        return Rules(validator, member).Where(r => !IsForEach(r)).SelectMany(r => r.Components).Select(c => c.Validator).OfType<ILengthValidator>()
            .Select(l => l.Max).Where(m => m >= 0).DefaultIfEmpty(-1).Min() is var max and >= 0
            ? max
            : throw new InvalidOperationException($"{typeof(T).Name}.{member} has no maximum length.");
    }
}

/// <summary>At most <c>Max</c> items in a list (or entries in an object); the contract says maxItems (maxProperties).</summary>
public sealed class MaxItemsValidator<T, TCollection>(int max) : PropertyValidator<T, TCollection>, IContractRule
{
    public int Max { get; } = max;

    public override string Name => "MaxItemsValidator";

    public override bool IsValid(ValidationContext<T> context, TCollection value) => value is not ICollection items || items.Count <= Max;

    protected override string GetDefaultMessageTemplate(string errorCode) => $"must hold at most {Max} items.";

    public void Declare(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Object)) schema.MaxProperties = Max;
        else schema.MaxItems = Max;
    }
}

/// <summary>Every value of a string map at most <c>Max</c> characters; the contract says so of additionalProperties.</summary>
public sealed class MapValuesMaxLengthValidator<T>(int max) : PropertyValidator<T, Dictionary<string, string>?>, IContractRule
{
    public int Max { get; } = max;

    public override string Name => "MapValuesMaxLengthValidator";

    public override bool IsValid(ValidationContext<T> context, Dictionary<string, string>? value) => value is null || value.Values.All(v => v is null || v.Length <= Max);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"values must be at most {Max} characters.";

    public void Declare(OpenApiSchema schema)
    {
        if (schema.AdditionalProperties is OpenApiSchema values) values.MaxLength = Max;
    }
}

/// <summary>A date as precise as known (YYYY, YYYY-MM or YYYY-MM-DD), or only a day; optionally empty (to clear it).</summary>
public sealed class PartialDateValidator<T>(bool dayOnly, bool clearable) : PropertyValidator<T, string?>, IContractRule
{
    public override string Name => "PartialDateValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) =>
        value is null || (clearable && value.Length == 0)
        || Text.PartialDate.TryParse(value, out var date) && (!dayOnly || date.Precision == Text.DatePrecision.Day);

    protected override string GetDefaultMessageTemplate(string errorCode) =>
        dayOnly ? "must be a day written as YYYY-MM-DD." : $"must be a real date written as {Text.PartialDate.Format}{(clearable ? ", or empty to clear" : "")}.";

    public void Declare(OpenApiSchema schema)
    {
        var date = dayOnly ? "[0-9]{4}-[0-9]{2}-[0-9]{2}" : "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?";
        schema.Pattern = clearable ? $"^({date})?$" : $"^{date}$";
        schema.MaxLength = 10;
    }
}

/// <summary>Rule builders for the validators above.</summary>
public static class ContractRules
{
    public static IRuleBuilderOptions<T, TCollection> MaxItems<T, TCollection>(this IRuleBuilder<T, TCollection> rule, int max) where TCollection : IEnumerable? =>
        rule.SetValidator(new MaxItemsValidator<T, TCollection>(max));

    public static IRuleBuilderOptions<T, Dictionary<string, string>?> ValuesMaxLength<T>(this IRuleBuilder<T, Dictionary<string, string>?> rule, int max) =>
        rule.SetValidator(new MapValuesMaxLengthValidator<T>(max));

    public static IRuleBuilderOptions<T, string?> PartialDate<T>(this IRuleBuilder<T, string?> rule, bool dayOnly = false, bool clearable = false) =>
        rule.SetValidator(new PartialDateValidator<T>(dayOnly, clearable));
}
