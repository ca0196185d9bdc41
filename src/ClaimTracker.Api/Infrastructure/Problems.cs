using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// The one place where failures become problem+json: malformed requests, PostgreSQL constraint violations
/// and outages. Handlers return their own expected problems (404, 409, 422) through <see cref="Problems"/>.
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, errors) = Classify(exception, http);
        if (status >= 500)
        {
            logger.LogError(exception, "Request failed with {Status}", status);
        }
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        http.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null) problem.Extensions["errors"] = errors;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Title, string Detail, Dictionary<string, string[]>? Errors) Classify(Exception exception, HttpContext http)
    {
        switch (exception)
        {
            // Dapper wraps an error met while reading a row (the connection lost mid-row).
            case System.Data.DataException { InnerException: NpgsqlException inner }:
                return Classify(inner, http);
            case BadHttpRequestException { InnerException: JsonException json }:
            {
                var field = Problems.MissingField(json.Message) ?? Problems.FieldFromJsonPath(json.Path);
                var reason = Problems.JsonReason(json);
                return (400, "The request body is not valid JSON for this operation.", $"{field}: {reason}",
                    new() { [field] = [reason] });
            }
            // Query and route values always bind (Param<T>) and are judged by the validation filter, so the one binding
            // failure left to the framework is a body that an operation taking one did not get.
            // (The exception handler has cleared the endpoint by now; the request itself says whether it had a body.)
            case BadHttpRequestException { StatusCode: 400, InnerException: null }
                when http.Request.ContentLength is null or 0 && !http.Request.Headers.TransferEncoding.Any() && !HttpMethods.IsGet(http.Request.Method):
                return (400, "The request is not valid.", "$: a JSON request body is required.", new() { ["$"] = ["a JSON request body is required."] });
            case BadHttpRequestException bad:
                return (bad.StatusCode, ReasonPhrase(bad.StatusCode), bad.Message, null);
            case ConsistencyTokenException token:
                return (400, "The request is not valid.", $"{ConsistencyToken.Header}: {token.Message}", new() { [ConsistencyToken.Header] = [token.Message] });
            case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter
                or PostgresErrorCodes.NumericValueOutOfRange or PostgresErrorCodes.DatetimeFieldOverflow
                or PostgresErrorCodes.InvalidTextRepresentation } pg:
                return (400, "The request is not valid.", $"A value cannot be stored: {pg.MessageText}.", null);
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                return (409, "The resource already exists.", $"A unique constraint was violated ({pg.ConstraintName}).", null);
            case PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } pg:
                return (422, "The request refers to something that does not exist.", $"A reference was not found ({pg.ConstraintName}).", null);
            case PostgresException { SqlState: PostgresErrorCodes.CheckViolation } pg:
                return (422, "The values do not fit together.", $"A rule of the data was broken ({pg.ConstraintName}).", null);
            // Until space is freed; the server may also panic and be started again (EmbeddedSupervisor).
            case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                return (503, "The database server's disk is full.", "The database could not write; retry once space is freed.", null);
            case PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }:
                return (503, "The query took too long.", "The database cancelled the query at its statement timeout; narrow the query or retry later.", null);
            case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections } or
                NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException }:
                return (503, "The database is unavailable.", "The database could not be reached; retry shortly.", null);
            // Several hosts and none of them the writable primary (a failover under way), or a write sent to a server
            // that has just become a standby or been fenced read-only.
            case PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } or
                NpgsqlException { InnerException: AggregateException } or NpgsqlException { Message: "No suitable host was found." }:
                return (503, "The database has no primary to write to.", "No writable primary answers (a failover may be under way); retry shortly.", null);
            default:
                return (500, "An unexpected error occurred.", "The error was logged; the request changed nothing.", null);
        }
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Bad request";
}

public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(statusCode: 404, title: $"{what} not found.", detail: $"There is no {what.ToLowerInvariant()} with id {id}.");

    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: 409, title: title, detail: detail, extensions: extensions);

    /// <summary>422: the request is well-formed but cannot be carried out; <paramref name="field"/> names the culprit.</summary>
    public static ProblemHttpResult Unprocessable(string field, string reason, IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>())
        {
            ["errors"] = new Dictionary<string, string[]> { [field] = [reason] },
        };
        return TypedResults.Problem(statusCode: 422, title: "The request cannot be carried out.", detail: $"{field}: {reason}", extensions: ext);
    }

    /// <summary>400 for a query-string or path value that is malformed.</summary>
    public static ValidationProblem BadParameter(string field, string reason) => Invalid(field, reason);

    public static ValidationProblem Invalid(string field, string reason) =>
        Invalid(new Dictionary<string, string[]> { [field] = [reason] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.",
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

    private static readonly Lazy<Type[]> EnumTypes = new(() =>
        [.. typeof(Problems).Assembly.GetTypes().Where(t => t.IsEnum).OrderByDescending(t => t.FullName!.Length)]);

    /// <summary>System.Text.Json names a missing required property only in its message.</summary>
    internal static string? MissingField(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, "missing required properties including: '(?<name>[^']+)'") is { Success: true } m
            ? m.Groups["name"].Value
            : null;

    /// <summary>The key a JSON object repeats, as System.Text.Json names it in its message (JsonDocument gives no path).</summary>
    internal static string? DuplicateField(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, "^Duplicate property '(?<name>[^']+)'") is { Success: true } m
            ? m.Groups["name"].Value
            : null;

    internal static string FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        var field = path.StartsWith("$.") ? path[2..] : path.TrimStart('$');
        return string.IsNullOrEmpty(field) ? "$" : field;
    }

    internal static string JsonReason(JsonException json)
    {
        // System.Text.Json's messages name .NET types; keep the part a client can act on.
        var message = json.Message;
        if (MissingField(message) is not null)
        {
            return "is required.";
        }
        if (message.Contains("could not be mapped to any .NET member"))
        {
            return "is not a known field of this request.";
        }
        if (message.StartsWith("Duplicate propert", StringComparison.Ordinal))
        {
            return "is sent more than once in the object; send each field once.";
        }
        if (message.Contains("could not be converted to"))
        {
            var wanted = EnumTypes.Value.FirstOrDefault(t => message.Contains(t.FullName!));
            return wanted is null
                ? "has the wrong type for this field."
                : "must be one of: " + string.Join(", ", Enum.GetValues(wanted).Cast<Enum>().Select(v => v.Db())) + ".";
        }
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>Answers with a problem from outside an endpoint (middleware), through the same problem+json writer.</summary>
    public static Task WriteAsync(HttpContext http, IResult problem) => problem.ExecuteAsync(http);

    /// <summary>The id a request is known by in its answer (X-Request-Id, requestId) and in the log (RequestId).</summary>
    public static string RequestId(HttpContext http) => http.TraceIdentifier;

    /// <summary>Adds the request id to every problem, so a user's report can be matched to the server's log.</summary>
    public static void AddRequestId(ProblemDetailsContext context)
    {
        // Problems the framework writes (no route, method not allowed) come without a detail: say it in words.
        var http = context.HttpContext;
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            404 => $"Nothing is found at {http.Request.Path}.",
            405 => $"{http.Request.Method} is not allowed on {http.Request.Path}; the Allow header lists what is.",
            413 => "The request body is larger than the configured limit.",
            415 => "The request body must be JSON (application/json).",
            _ => context.ProblemDetails.Title,
        };
        // One id per request: the X-Request-Id header, this member and the RequestId of every log line written
        // while the request ran are all the request's TraceIdentifier. The framework's own traceId (the Activity's
        // id) would be a second one, so it is left out.
        context.ProblemDetails.Extensions.Remove("traceId");
        context.ProblemDetails.Extensions["requestId"] = RequestId(http);
    }
}
