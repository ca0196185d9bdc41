namespace ClaimTracker.Bench;

/// <summary>
/// SplitMix64: small, fast and fully specified, so a corpus made from one seed is the same on every machine and
/// every .NET version. Every entity draws from its own stream (seed, kind, index), so generation order and
/// parallelism never change what is generated.
/// </summary>
public struct Rng
{
    private ulong _state;

    public Rng(ulong seed) => _state = seed;

    public static Rng For(ulong seed, ulong kind, ulong index) => new(Mix(Mix(seed ^ Mix(kind)) ^ index));

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((NextULong() >> 33) % (ulong)n);

    /// <summary>Uniform in [lo, hi].</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}

/// <summary>Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s.</summary>
public sealed class Zipf
{
    private readonly double[] _cumulative;

    public Zipf(int n, double s)
    {
        _cumulative = new double[n];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            total += 1.0 / Math.Pow(i + 1, s);
            _cumulative[i] = total;
        }
        for (var i = 0; i < n; i++) _cumulative[i] /= total;
    }

    public int Count => _cumulative.Length;

    public double Share(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    public int Sample(ref Rng rng)
    {
        var u = rng.NextDouble();
        var i = Array.BinarySearch(_cumulative, u);
        return Math.Min(i >= 0 ? i : ~i, _cumulative.Length - 1);
    }
}
