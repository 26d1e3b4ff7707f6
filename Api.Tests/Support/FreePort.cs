using System.Net;
using System.Net.Sockets;

namespace Platform.Api.Tests.Support;

/// <summary>A loopback port nothing listens on right now (the kernel's choice, released at once).</summary>
internal static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
