"""The exercises of each notebook, one module per notebook (nb00, nb01, ...).

In a notebook: `from course_utils.exercises import nb00`, then
`nb00.ones_row.check(your_answer)`.
"""
