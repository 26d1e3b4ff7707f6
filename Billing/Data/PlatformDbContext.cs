using Microsoft.EntityFrameworkCore;

namespace Platform.Billing.Data;

/// <summary>
/// The EF Core view of the schema that the SQL migrations create (EF never creates or alters tables). Names are the
/// snake_case of the property names; a test checks every mapped column against the real schema.
/// </summary>
internal sealed class PlatformDbContext(DbContextOptions<PlatformDbContext> options) : DbContext(options)
{
    public DbSet<OrganizationRow> Organizations => Set<OrganizationRow>();

    public DbSet<ProjectRow> Projects => Set<ProjectRow>();

    public DbSet<TierRow> Tiers => Set<TierRow>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    public DbSet<ModelPriceRow> ModelPrices => Set<ModelPriceRow>();

    public DbSet<AuditEntryRow> AuditLog => Set<AuditEntryRow>();

    public DbSet<ModerationEventRow> ModerationEvents => Set<ModerationEventRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OrganizationRow>().ToTable("organizations");
        modelBuilder.Entity<TierRow>().ToTable("tiers");
        modelBuilder.Entity<ProjectRow>(project =>
        {
            project.ToTable("projects");
            project.HasOne(p => p.Organization).WithMany().HasForeignKey(p => p.OrganizationId);
            project.HasOne(p => p.Tier).WithMany().HasForeignKey(p => p.TierId);
            project.Property(p => p.MonthlyBudgetUsd).HasPrecision(18, 6);
            project.Property(p => p.BudgetAlertRatio).HasPrecision(7, 6);
        });
        modelBuilder.Entity<ApiKeyRow>(key =>
        {
            key.ToTable("api_keys");
            key.HasOne(k => k.Project).WithMany().HasForeignKey(k => k.ProjectId);
        });
        modelBuilder.Entity<ModelPriceRow>(price =>
        {
            price.ToTable("model_prices");
            price.Property(p => p.InputPerMillion).HasPrecision(18, 6);
            price.Property(p => p.CachedInputPerMillion).HasPrecision(18, 6);
            price.Property(p => p.OutputPerMillion).HasPrecision(18, 6);
        });
        modelBuilder.Entity<AuditEntryRow>(entry =>
        {
            entry.ToTable("audit_log");
            entry.Property(e => e.Before).HasColumnType("jsonb");
            entry.Property(e => e.After).HasColumnType("jsonb");
        });
        modelBuilder.Entity<ModerationEventRow>(moderation =>
        {
            moderation.ToTable("moderation_events");
            moderation.Property(e => e.Scores).HasColumnType("jsonb");
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase.From(property.Name));
            }
        }
    }
}
