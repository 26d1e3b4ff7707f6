using System.Text;

namespace Platform.Billing.Metering;

/// <summary>The spool's binary form of a batch of events: a version byte, a count, then each event's fields in order.</summary>
internal static class UsageEventCodec
{
    private const byte Version = 2;

    /// <summary>Spool files written before client request ids were kept.</summary>
    private const byte VersionWithoutClientId = 1;

    public static byte[] Encode(IReadOnlyList<UsageEvent> events)
    {
        using var buffer = new MemoryStream(64 + (events.Count * 160));
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(events.Count);
            foreach (var e in events)
            {
                writer.Write(e.EventId.ToByteArray());
                writer.Write(e.OccurredAt.UtcTicks);
                writer.Write(e.RequestId);
                WriteNullable(writer, e.OrganizationId);
                WriteNullable(writer, e.ProjectId);
                WriteNullable(writer, e.ApiKeyId);
                WriteNullable(writer, e.Model);
                writer.Write(e.Endpoint);
                writer.Write(e.StatusCode);
                writer.Write(e.PromptTokens);
                writer.Write(e.CachedPromptTokens);
                writer.Write(e.CompletionTokens);
                WriteNullable(writer, e.TimeToFirstToken?.Ticks);
                writer.Write(e.Duration.Ticks);
                WriteNullable(writer, e.FinishReason);
                writer.Write((byte)((e.ModerationFlagged ? 1 : 0) | (e.Streamed ? 2 : 0) | (e.Cancelled ? 4 : 0)));
                WriteNullable(writer, e.ClientRequestId);
            }
        }

        return buffer.ToArray();
    }

    public static List<UsageEvent> Decode(ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(buffer, Encoding.UTF8);
        var version = reader.ReadByte();
        if (version is not (Version or VersionWithoutClientId))
        {
            throw new InvalidDataException("Unknown spool record version.");
        }

        var count = reader.ReadInt32();
        var events = new List<UsageEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var id = new Guid(reader.ReadBytes(16));
            var occurred = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var requestId = reader.ReadString();
            var organization = ReadNullableLong(reader);
            var project = ReadNullableLong(reader);
            var key = ReadNullableLong(reader);
            var model = ReadNullableString(reader);
            var endpoint = reader.ReadString();
            var status = reader.ReadInt32();
            var prompt = reader.ReadInt32();
            var cached = reader.ReadInt32();
            var completion = reader.ReadInt32();
            var ttft = ReadNullableLong(reader);
            var duration = reader.ReadInt64();
            var finish = ReadNullableString(reader);
            var flags = reader.ReadByte();
            var clientRequestId = version == Version ? ReadNullableString(reader) : null;
            events.Add(new UsageEvent(
                id, occurred, requestId, organization, project, key, model, endpoint, status, prompt, cached, completion,
                ttft is { } t ? TimeSpan.FromTicks(t) : null, TimeSpan.FromTicks(duration), finish,
                (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, clientRequestId));
        }

        return events;
    }

    private static void WriteNullable(BinaryWriter writer, long? value)
    {
        writer.Write(value.HasValue);
        if (value is { } v)
        {
            writer.Write(v);
        }
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static long? ReadNullableLong(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt64() : null;

    private static string? ReadNullableString(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
