namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// A few paragraphs of plain English (written for this project) from which the synthetic tokenizer learns
/// its first merges, so common words and chat markers become single tokens as in a real vocabulary.
/// </summary>
internal static class SeedText
{
    public const string Text = """
        The morning was cold and clear, and the people of the small town walked to the market before the sun was high.
        There were apples, bread, cheese and fresh fish on the tables, and the children ran between them, laughing.
        A woman asked the baker how much the bread would cost today. He said that it was the same as yesterday,
        but that the flour had become more expensive this year, and he did not know what the price would be next month.

        In the afternoon the weather changed. Dark clouds came from the west, the wind grew stronger, and it started to rain.
        Most of the shops closed early. The old teacher, who had lived in the town for more than forty years,
        sat by the window of the library and read a book about the history of the river and the bridges that crossed it.

        User: Can you help me write a short email to my team about the meeting on Thursday?
        Assistant: Of course. Here is a short draft: "Hello everyone, the meeting on Thursday will start at 10:30 in room 4.
        Please bring your notes and any questions you have about the new project. Thank you, and see you there."
        User: Thanks! Could you make it a little more friendly?
        Assistant: Sure, here is another version that sounds warmer and more personal.

        Computers store numbers, letters and pictures as bits. A program is a list of instructions that tells the computer
        what to do, step by step. When you write a program, you should test it often, because small mistakes are easy to make
        and hard to find later. Good names, short functions and clear comments make the code easier to read for other people.
        The server receives a request, checks the key, counts the tokens and sends the answer back to the client.

        Questions and answers: What is the capital of France? It is Paris. How many days are there in a week? There are seven.
        Why is the sky blue? Because air scatters blue light more than red light. Which number comes after 99? It is 100.
        In 2024 and 2025 many people learned to use new tools at work, at school and at home, and they shared what they learned.

        She opened the door, looked at the garden and smiled. The flowers were red, yellow, white and purple, and the grass was
        still wet from the night. "We should plant more trees," she said. "They give shade in summer and they are good for birds."
        Her brother agreed, and they spent the whole day working together, talking about their plans for the next season.
        """;
}
