namespace ClaimTracker.Tests.Faults;

/// <summary>Where the fault tests print their figures: the test's diagnostics and the console.</summary>
public static class Figures
{
    public static void Say(string message)
    {
        TestContext.Current.SendDiagnosticMessage(message);
        Console.WriteLine(message);
    }
}

/// <summary>A count that others can await reaching a value, instead of polling it.</summary>
public sealed class AwaitableCount
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public long Increment()
    {
        List<TaskCompletionSource> reached;
        long value;
        lock (_lock)
        {
            value = ++_value;
            reached = [.. _waiters.Where(w => w.Target <= value).Select(w => w.Reached)];
            _waiters.RemoveAll(w => w.Target <= value);
        }
        foreach (var tcs in reached) tcs.TrySetResult();
        return value;
    }

    public Task WhenAtLeast(long target)
    {
        lock (_lock)
        {
            if (_value >= target) return Task.CompletedTask;
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, tcs));
            return tcs.Task;
        }
    }
}
