using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Platform.Billing.Reports;

namespace Platform.Api.Metering;

/// <summary>
/// Streams the admin usage report as CSV (CsvHelper: RFC 4180 quoting, CRLF line ends, a header line) or JSON,
/// row by row as Postgres returns them, flushing as it goes, so any range takes constant memory here. The last
/// line is the totals (<c>period_start</c> = <c>total</c>).
/// </summary>
internal sealed class UsageReportResult(UsageReportRepository reports, UsageQuery query, bool csv) : IResult
{
    public const string TotalLabel = "total";
    private const int FlushEvery = 256;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        response.Headers.CacheControl = "no-store";
        var name = $"usage-{query.Start:yyyyMMddHHmmss}-{query.End:yyyyMMddHHmmss}-{query.Width.Name}";
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}.{(csv ? "csv" : "json")}\"";
        var rows = reports.RowsAsync(query, aborted);
        if (csv)
        {
            await WriteCsvAsync(response.Body, rows, aborted);
        }
        else
        {
            await WriteJsonAsync(response.Body, rows, aborted);
        }
    }

    private async Task WriteCsvAsync(Stream body, IAsyncEnumerable<UsageRow> rows, CancellationToken cancellationToken)
    {
        // CsvHelper writes synchronously; it writes into this chunk, which goes to the response asynchronously
        // (Kestrel refuses synchronous writes) every FlushEvery rows.
        using var chunk = new MemoryStream();
        var options = new CsvWriterOptions { NewLine = "\r\n", FormatProvider = CultureInfo.InvariantCulture };
        using var writer = CsvWriter.Create(chunk, options, leaveOpen: true);
        foreach (var column in UsageReportLine.Header)
        {
            writer.WriteField(column);
        }

        writer.EndRecord();
        var totals = new UsageReportTotals();
        var count = 0;
        await foreach (var row in rows)
        {
            totals.Add(row);
            var line = UsageReportLine.Of(row, query.Width);
            WriteFields(writer, line.PeriodStart, line.PeriodEnd, line.OrganizationId, line.ProjectId, line.ApiKeyId, line.Model, line.Requests, line.InputTokens, line.CachedInputTokens, line.OutputTokens, line.CostUsd);
            writer.EndRecord();
            if (++count % FlushEvery == 0)
            {
                await SendAsync(writer, chunk, body, cancellationToken);
            }
        }

        WriteFields(writer, TotalLabel, UsageReportLine.Time(query.End), null, null, null, null, totals.Requests, totals.InputTokens, totals.CachedInputTokens, totals.OutputTokens, UsageReportLine.Money(totals.Cost));
        writer.EndRecord();
        await SendAsync(writer, chunk, body, cancellationToken);
    }

    private static Task SendAsync(CsvWriter writer, MemoryStream chunk, Stream body, CancellationToken cancellationToken)
    {
        writer.Flush();
        return SendAsync(chunk, body, cancellationToken);
    }

    private static Task SendAsync(Utf8JsonWriter writer, MemoryStream chunk, Stream body, CancellationToken cancellationToken)
    {
        writer.Flush();
        return SendAsync(chunk, body, cancellationToken);
    }

    private static async Task SendAsync(MemoryStream chunk, Stream body, CancellationToken cancellationToken)
    {
        await body.WriteAsync(chunk.GetBuffer().AsMemory(0, (int)chunk.Length), cancellationToken);
        await body.FlushAsync(cancellationToken);
        chunk.SetLength(0);
    }

    private static void WriteFields(CsvWriter writer, string start, string end, string? organization, string? project, string? key, string? model, long requests, long input, long cached, long output, string cost)
    {
        writer.WriteField(start);
        writer.WriteField(end);
        writer.WriteField(organization ?? "");
        writer.WriteField(project ?? "");
        writer.WriteField(key ?? "");
        writer.WriteField(model ?? "");
        writer.WriteField(requests);
        writer.WriteField(input);
        writer.WriteField(cached);
        writer.WriteField(output);
        writer.WriteField(cost);
    }

    private async Task WriteJsonAsync(Stream body, IAsyncEnumerable<UsageRow> rows, CancellationToken cancellationToken)
    {
        // As for CSV: the serializer flushes synchronously, so it writes into a chunk sent asynchronously.
        using var chunk = new MemoryStream();
        await using var writer = new Utf8JsonWriter(chunk);
        writer.WriteStartObject();
        writer.WriteString("object", "usage_report");
        writer.WriteNumber("start_time", query.Start.ToUnixTimeSeconds());
        writer.WriteNumber("end_time", query.End.ToUnixTimeSeconds());
        writer.WriteString("bucket_width", query.Width.Name);
        writer.WriteStartArray("data");
        var totals = new UsageReportTotals();
        var count = 0;
        await foreach (var row in rows)
        {
            totals.Add(row);
            var line = UsageReportLine.Of(row, query.Width);
            JsonSerializer.Serialize(writer, line, ApiJson.Options);
            if (++count % FlushEvery == 0)
            {
                await SendAsync(writer, chunk, body, cancellationToken);
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName("totals");
        JsonSerializer.Serialize(writer, new UsageReportTotalsJson(totals.Requests, totals.InputTokens, totals.CachedInputTokens, totals.OutputTokens, UsageReportLine.Money(totals.Cost)), ApiJson.Options);
        writer.WriteEndObject();
        await SendAsync(writer, chunk, body, cancellationToken);
    }
}

internal sealed record UsageReportTotalsJson(long Requests, long InputTokens, long CachedInputTokens, long OutputTokens, string CostUsd);
