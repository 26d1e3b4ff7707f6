using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Platform.Api.Auth;

/// <summary>
/// Counts failed authentications per client address in one-minute windows (<see cref="AuthOptions.FailuresPerMinute"/>).
/// Checking costs nothing and never touches the database; an idle address's window is dropped by the limiter itself.
/// </summary>
internal sealed class AuthFailureLimiter : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public AuthFailureLimiter(IOptions<AuthOptions> options)
    {
        var limit = options.Value.FailuresPerMinute;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>Whether the address has used up its failures for this window (asking takes none).</summary>
    public bool IsBlocked(IPAddress address)
    {
        using var probe = _limiter.AttemptAcquire(address, 0);
        return !probe.IsAcquired;
    }

    /// <summary>Counts one failure; false when the address was already over its limit.</summary>
    public bool RecordFailure(IPAddress address)
    {
        using var lease = _limiter.AttemptAcquire(address, 1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
