namespace ClaimTracker.Api.Infrastructure;

public static class ResponseBodies
{
    private const int Slice = 32 * 1024;

    /// <summary>
    /// Sends a body already in memory a slice at a time, each slice awaiting the client: Kestrel copies what it is given
    /// into its own buffers before it waits, so a 400 KB answer written at once holds 400 KB of them per slow reader; a
    /// slice at a time holds at most a slice beyond the response buffer (64 KB), and the rest stays in the one array
    /// (a held answer is shared by every reader).
    /// </summary>
    public static async Task SendAsync(this HttpResponse response, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        for (var at = 0; at < body.Length; at += Slice)
        {
            await response.Body.WriteAsync(body.Slice(at, Math.Min(Slice, body.Length - at)), ct);
        }
    }
}
