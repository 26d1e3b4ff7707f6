using Platform.Api;

ApiApplication.Create(args).Run();

/// <summary>Entry point type, visible to the test host.</summary>
public partial class Program;
